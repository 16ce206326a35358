"""Every document from the book, as of a date: the values the engines computed, handed to the
``coopfinance.documents`` renderers (nothing recomputed here or there).

- :meth:`BookDocuments.liquidacion` — a farmer's settlement of a closed period
  (:func:`~coopfinance.documents.settlement_context` of the frozen settlement) plus ``credits``
  (the increases of earlier periods' milk value settled with it) and ``payable`` (net + credits,
  :meth:`Closing.payable`);
- :meth:`BookDocuments.summary` — the co-op's summary of a period
  (:func:`~coopfinance.documents.settlement_summary_context`);
- :meth:`BookDocuments.payment_roll` — the planilla de pagos of a closed period: each farmer's
  payable, by route, for the bank or the cash desk;
- :meth:`BookDocuments.routes` — litres and quality (total solids, bacterial count, cooled
  share, weighted by litres) by route of a closed period;
- :meth:`BookDocuments.loan_statement` — a loan's account statement as of the date
  (:func:`~coopfinance.servicing.statement` of the book's account, every event recorded);
- :meth:`BookDocuments.key_facts` — the key-facts sheet of a loan's terms as recorded;
- :meth:`BookDocuments.worksheet_member` / :meth:`BookDocuments.worksheet` — a member's training
  worksheet from the book: the litres and gross of a closed period (the price is gross ÷ litres,
  so the worksheet's milk value is the liquidación's gross) and the installment the period
  collects for the loan, insurance included (the schedule row's ``total``, the figure every
  document shows);
- :meth:`BookDocuments.portfolio` — the portfolio report of every loan's state as of the date;
  each loan's arrears is its account's ``AccountState.arrears`` (what its statement shows), not
  the exposure's principal-interest-fees figure; ``groups`` is the solidarity groups' table
  (:func:`~coopfinance.book._groups.group_lines`: members, loans, outstanding, arrears, PAR30,
  guarantee calls paid by the date). A liquidación of a group member carries the group
  guarantee's lines (``guarantee``) and ``payable`` less what the member's milk paid for it.

``as_of`` bounds what is shown: a settlement paid after it, or a loan disbursed after it, is not
there yet (:class:`~coopfinance.book.BookError`).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from coopfinance._decimal import CONTEXT
from coopfinance.book._close import Adjustment
from coopfinance.book._common import Coop, Member
from coopfinance.book._errors import BookError
from coopfinance.book._groups import GroupRecord, group_lines, guarantee_of
from coopfinance.dairy import ObligationKind, Period, Settlement
from coopfinance.documents import (
    KeyFacts,
    key_facts_context,
    portfolio_context,
    render,
    settlement_context,
    settlement_summary_context,
    statement_context,
    worksheet_context,
)
from coopfinance.errors import E_
from coopfinance.linked import GroupGuarantee
from coopfinance.portfolio import exposure, report
from coopfinance.servicing import LoanAccount, statement
from coopfinance.training import MemberData, worksheet

__all__ = ["BookDocuments", "credit_line"]

_TENTH, _HUNDREDTH = Decimal("0.1"), Decimal("0.01")


def _route_acc() -> dict[str, Any]:
    zero = Decimal(0)
    return {"farmers": 0, "litres": zero, "sampled": zero, "cooled": zero, "ts": zero,
            "ts_litres": zero, "ufc": zero, "ufc_litres": zero}  # fmt: skip


def _mean(weighted: Decimal, weight: Decimal, step: Decimal) -> Decimal | None:
    """``weighted / weight`` rounded half-up to ``step`` (``None`` for no weight)."""
    if not weight:
        return None
    return (weighted / weight).quantize(step, ROUND_HALF_UP)


def credit_line(adjustment: Adjustment) -> dict[str, Any]:
    """An increase of an earlier period's milk value as a liquidación row: ``date`` and ``shift``
    of the corrected delivery, the ``reason`` given, ``amount``. The reference is the one the
    close wrote (``adjustment <date> [<shift>]: <reason>``)."""
    head, _, reason = adjustment.reference.partition(": ")
    parts = head.split(" ")
    return {
        "date": dt.date.fromisoformat(parts[1]),
        "shift": parts[2] if len(parts) > 2 else "",
        "reason": reason,
        "amount": adjustment.amount,
    }


class _Book(Protocol):
    """What the documents read of a :class:`~coopfinance.book.Book`."""

    coop: Coop

    def members(self) -> dict[str, Member]: ...
    def settlement(
        self, period: Period | str | dt.date, *, with_deliveries: bool = True
    ) -> Settlement: ...
    def closing(self, period: Period | str | dt.date) -> tuple[dt.date, tuple[Adjustment, ...]]: ...
    def accounts(self) -> dict[str, tuple[str, LoanAccount]]: ...
    def groups(self) -> dict[str, GroupRecord]: ...
    def guarantees(self, period: Any) -> tuple[GroupGuarantee, ...]: ...
    def guarantee_calls(self, through: dt.date) -> dict[str, tuple[int, Decimal]]: ...


class BookDocuments:
    """The documents of one book as of one date (see the module docstring).

    What it reads of the book is read once and kept: the roster, the loans and their events, the
    groups, and each closed period's frozen settlement (a closed period never changes, and the
    documents of one date ask for the same one once per farmer). Take a new one, from
    :meth:`Book.documents`, after recording more in the book."""

    def __init__(self, book: _Book, as_of: dt.date) -> None:
        self.book = book
        self.as_of = as_of
        self._members = book.members()
        self._names = {f: m.name for f, m in self._members.items()}
        self._frozen: dict[object, tuple[Settlement, dt.date, Any]] = {}
        self._guarantees: dict[Period, tuple[GroupGuarantee, ...]] = {}
        self._accounts: dict[str, tuple[str, LoanAccount]] | None = None
        self._groups: dict[str, GroupRecord] | None = None

    def _all_accounts(self) -> dict[str, tuple[str, LoanAccount]]:
        if self._accounts is None:
            self._accounts = self.book.accounts()
        return self._accounts

    def _all_groups(self) -> dict[str, GroupRecord]:
        if self._groups is None:
            self._groups = self.book.groups()
        return self._groups

    # --- settlements ---------------------------------------------------------------------------

    def _closed(self, period: Period | str | dt.date) -> tuple[Settlement, dt.date, Any]:
        """A closed period's frozen settlement, pay date and adjustments, read from the book once
        per period (a closed period never changes; every liquidación of a fortnight reads it)."""
        found = self._frozen.get(period)
        if found is None:
            found = self._frozen[period] = self._read_closed(period)
        return found

    def _read_closed(self, period: Period | str | dt.date) -> tuple[Settlement, dt.date, Any]:
        settlement = self.book.settlement(period)
        pay, adjustments = self.book.closing(settlement.period)
        if pay > self.as_of:
            raise BookError(
                E_(
                    "the settlement of %(period)s is paid on %(pay)s, after %(as_of)s.",
                    period=settlement.period,
                    pay=pay,
                    as_of=self.as_of,
                ),
                field="as_of",
                value=self.as_of,
            )
        return settlement, pay, adjustments

    def liquidacion(self, farmer: str, period: Period | str | dt.date) -> dict[str, Any]:
        """A farmer's liquidación of a closed period (the ``settlement`` templates' context)."""
        settlement, pay, adjustments = self._closed(period)
        if settlement.period not in self._guarantees:  # issue 18 §2: read once per period
            found = self.book.guarantees(settlement.period) if self._all_groups() else ()
            self._guarantees[settlement.period] = found
        guarantee = guarantee_of(self._guarantees[settlement.period], farmer)
        context = settlement_context(
            settlement.statement(farmer),
            settlement,
            farmer_name=self._names.get(farmer, farmer),
            coop_name=self.book.coop.name,
            guarantee=guarantee,
        )
        credits = [credit_line(a) for a in adjustments if a.farmer == farmer and a.amount > 0]
        context["credits"] = credits
        context["payable"] = (
            context["net"]
            + sum((c["amount"] for c in credits), Decimal(0))
            - (guarantee.paid_by(farmer) if guarantee is not None else Decimal(0))
        )
        context["pay_date"] = pay
        return context

    def payment_roll(self, period: Period | str | dt.date) -> dict[str, Any]:
        """The payment roll of a closed period (planilla de pagos: the ``payment_roll``
        templates' context): what the bank or the cash desk pays each farmer on the pay date,
        by route (the roster's route; ``"—"`` for a farmer without one), farmers by id.

        Each row's ``net`` is the farmer's ``payable`` (:meth:`liquidacion`: the statement's net
        plus the increases of earlier periods' milk value settled with it); a route's ``total``
        is the sum of its rows, ``total`` the sum of every row, ``count`` the farmers paid. A
        farmer with nothing to be paid (``payable`` 0) is listed too: the roll is the period's
        whole list."""
        settlement, pay, adjustments = self._closed(period)
        members = self._members
        credits: dict[str, Decimal] = {}
        for a in adjustments:
            if a.amount > 0:
                credits[a.farmer] = credits.get(a.farmer, Decimal(0)) + a.amount
        by_route: dict[str, list[dict[str, Any]]] = {}
        for st in sorted(settlement.statements, key=lambda st: st.farmer):
            member = members.get(st.farmer)
            route = (member.route if member is not None else None) or "—"
            by_route.setdefault(route, []).append(
                {
                    "id": st.farmer,
                    "name": self._names.get(st.farmer, st.farmer),
                    "role": member.role if member is not None else "supplier",
                    "net": st.net + credits.get(st.farmer, Decimal(0)),
                }
            )
        routes = []
        number = 0
        for route in sorted(by_route):
            rows = by_route[route]
            for row in rows:
                number += 1
                row["number"] = number
            routes.append(
                {"route": route, "rows": rows, "total": sum((r["net"] for r in rows), Decimal(0))}
            )
        return {
            "coop_name": self.book.coop.name,
            "period": settlement.period,
            "pay_date": pay,
            "currency": settlement.currency,
            "routes": routes,
            "count": number,
            "total": sum((r["total"] for r in routes), Decimal(0)),
        }

    def routes(self, period: Period | str | dt.date) -> list[dict[str, Any]]:
        """Litres and quality by route of a closed period, from its frozen settlement and the
        deliveries it settled: per route (the roster's), ``farmers`` who delivered, ``litres``
        (the sum of their statements' litres), ``litres_per_day`` (÷ the period's days, to 0.1 L),
        and over the deliveries with a sample, weighted by litres: ``total_solids`` (%, to 0.01),
        ``bacterial_count`` (UFC/ml, to a whole number) and ``cooled`` (the share of litres
        cooled, a fraction to 4 places); ``None`` where no delivery of the route has the value.

        ``Σ litres`` over the routes is the summary's litres."""
        settlement, _, _ = self._closed(period)
        members = self._members

        def route_of(farmer: str) -> str:
            member = members.get(farmer)
            return (member.route if member is not None else None) or "—"

        days = Decimal((settlement.period.end - settlement.period.start).days + 1)
        acc: dict[str, dict[str, Any]] = {}
        for st in settlement.statements:
            a = acc.setdefault(route_of(st.farmer), _route_acc())
            a["litres"] += st.litres
            if st.litres > 0:
                a["farmers"] += 1
        for d in settlement.deliveries:
            q = d.quality
            if q is None:
                continue
            a = acc.setdefault(route_of(d.farmer), _route_acc())
            a["sampled"] += d.litres
            a["cooled"] += d.litres if q.cooled else Decimal(0)
            if q.total_solids is not None:
                a["ts"] += d.litres * q.total_solids
                a["ts_litres"] += d.litres
            if q.bacterial_count is not None:
                a["ufc"] += d.litres * q.bacterial_count
                a["ufc_litres"] += d.litres
        out = []
        for route in sorted(acc):
            a = acc[route]
            out.append(
                {
                    "route": route,
                    "farmers": a["farmers"],
                    "litres": a["litres"],
                    "litres_per_day": (a["litres"] / days).quantize(_TENTH),
                    "total_solids": _mean(a["ts"], a["ts_litres"], _HUNDREDTH),
                    "bacterial_count": _mean(a["ufc"], a["ufc_litres"], Decimal(1)),
                    "cooled": _mean(a["cooled"], a["sampled"], Decimal("0.0001")),
                }
            )
        return out

    def summary(self, period: Period | str | dt.date) -> dict[str, Any]:
        """The co-op's summary of a closed period (the ``settlement_summary`` context)."""
        settlement, _, _ = self._closed(period)
        return settlement_summary_context(
            settlement, coop_name=self.book.coop.name, farmer_names=self._names
        )

    # --- loans ---------------------------------------------------------------------------------

    def _loan(self, loan_id: str) -> tuple[str, Any]:
        found = self._all_accounts().get(loan_id)
        if found is None:
            raise BookError(
                E_("'loan_id' %(loan_id)s is not in the book.", loan_id=repr(loan_id)),
                field="loan_id",
                value=loan_id,
            )
        farmer, account = found
        if account.terms.disbursed > self.as_of:
            raise BookError(
                E_(
                    "loan %(loan_id)s is disbursed on %(disbursed)s, after %(as_of)s.",
                    loan_id=repr(loan_id),
                    disbursed=account.terms.disbursed,
                    as_of=self.as_of,
                ),
                field="as_of",
                value=self.as_of,
            )
        return farmer, account

    def loan_statement(self, loan_id: str, *, lang: str = "es") -> dict[str, Any]:
        """A loan's account statement as of the date (the ``statement`` templates' context)."""
        farmer, account = self._loan(loan_id)
        return statement_context(
            statement(account, self.as_of),
            borrower=self._names.get(farmer, farmer),
            lender=self.book.coop.name,
            lang=lang,
        )

    def key_facts(self, loan_id: str) -> dict[str, Any]:
        """The key-facts sheet of a loan's recorded terms (the ``key_facts`` context)."""
        farmer, account = self._loan(loan_id)
        facts = KeyFacts.from_loan(
            account.terms,
            borrower=self._names.get(farmer, farmer),
            lender=self.book.coop.name,
            product=loan_id,
        )
        return key_facts_context(facts)

    def portfolio(self) -> dict[str, Any]:
        """The portfolio report of every loan disbursed by the date (the ``portfolio`` context)."""
        accounts = self._all_accounts()
        states = {
            loan_id: account.state(self.as_of)
            for loan_id, (_, account) in sorted(accounts.items())
            if account.terms.disbursed <= self.as_of
        }
        exposures = [exposure(state, loan_id) for loan_id, state in states.items()]
        context = portfolio_context(
            report(exposures),
            lender=self.book.coop.name,
            as_of=self.as_of,
            loans=exposures,
            currency=self.book.coop.currency,
            arrears={loan_id: state.arrears for loan_id, state in states.items()},
        )
        owners = {loan_id: farmer for loan_id, (farmer, _) in accounts.items()}
        context["groups"] = group_lines(  # issue 18 §2: the solidarity groups' table
            self._all_groups(),
            [e._replace(debtor=owners[e.loan_id]) for e in exposures],  # by member
            {loan_id: state.arrears for loan_id, state in states.items()},
            self.book.guarantee_calls(self.as_of),
            self._names,
        )
        return context

    # --- training ------------------------------------------------------------------------------

    def worksheet_member(self, farmer: str, period: Period | str | dt.date) -> MemberData:
        """A member's worksheet figures from a closed period: its litres, the price that gives
        its gross (gross ÷ litres), the installment collected for the farmer's check-off loan that
        period (the schedule row's total, insurance included) and that loan's terms."""
        settlement, _, _ = self._closed(period)
        st = settlement.statement(farmer)
        loans = sorted(
            (loan_id, account)
            for loan_id, (owner, account) in self._all_accounts().items()
            if owner == farmer and account.terms.disbursed <= self.as_of
        )
        terms = loans[0][1].terms if loans else None
        installment = None
        if terms is not None:
            pay = self._closed(settlement.period)[1]
            rows = [r for r in terms.schedule() if settlement.period.start < r.due_date <= pay]
            if rows:
                installment = rows[0].total
        collected = st.by_kind(ObligationKind.LOAN_INSTALLMENT)[0]
        if installment is not None and collected == 0:
            installment = None
        if st.litres == 0:
            return MemberData(id=farmer, name=self._names.get(farmer, farmer), loan=terms)
        price = CONTEXT.divide(st.gross, st.litres).normalize(CONTEXT)
        return MemberData(
            id=farmer,
            name=self._names.get(farmer, farmer),
            loan=terms,
            litres=st.litres,
            price=price,
            installment=installment,
        )

    def worksheet(
        self, farmer: str, period: Period | str | dt.date, *, seed: int = 0, lang: str = "es"
    ) -> dict[str, Any]:
        """The member's worksheet (the ``training_worksheet`` context, with the answers: the
        trainer's key) from :meth:`worksheet_member`."""
        sheet = worksheet(self.worksheet_member(farmer, period), seed=seed)
        return worksheet_context(sheet, lang=lang, key=True, coop=self.book.coop.name)

    # --- rendering -----------------------------------------------------------------------------

    @staticmethod
    def render(name: str, context: dict[str, Any], *, lang: str = "es", fmt: str = "md") -> str:
        """Render a context of this class with the bundled templates (``settlement``,
        ``settlement_summary``, ``statement``, ``key_facts``, ``training_worksheet``,
        ``portfolio``)."""
        return render(name, context, lang=lang, fmt=fmt)
