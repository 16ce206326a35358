"""The account statement (estado de cuenta): movements and balances as data, and a plain text.

Each line is one :class:`Movement` of the replay; ``balance`` is what is owed after it
(principal outstanding plus interest, fees and penalties due), ``credit_balance`` the credit
held. The last balance equals :attr:`AccountState.owed`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import ZERO, exact
from coopfinance._rates import Rate
from coopfinance.servicing._account import LoanAccount
from coopfinance.servicing._values import AccountState, AccountStatus, Components, MovementKind

__all__ = ["Statement", "StatementLine", "statement"]

_LABELS = {
    "en": {
        MovementKind.DISBURSEMENT: "Disbursement",
        MovementKind.INSTALLMENT_DUE: "Installment {ref} due",
        MovementKind.LATE_CHARGES: "Late charges",
        MovementKind.CHARGE: "Charge",
        MovementKind.ACCRUED_INTEREST: "Interest to date",
        MovementKind.PAYMENT: "Payment",
        MovementKind.PREPAYMENT: "Prepayment",
        MovementKind.CREDIT_APPLIED: "Credit applied",
        MovementKind.WAIVER: "Waiver",
        MovementKind.RESCHEDULE: "Reschedule",
        MovementKind.WRITE_OFF: "Write-off",
        MovementKind.RECOVERY: "Recovery",
        "title": "Account statement",
        "as_of": "as of",
        "date": "date",
        "movement": "movement",
        "charged": "charged",
        "paid": "paid",
        "balance": "balance",
        "credit": "credit",
        "owed": "Owed",
        "arrears": "Arrears",
        "dpd": "Days past due",
        "payoff": "Payoff today",
        "next": "Next installment",
        "status": "Status",
    },
    "es": {
        MovementKind.DISBURSEMENT: "Desembolso",
        MovementKind.INSTALLMENT_DUE: "Vence cuota {ref}",
        MovementKind.LATE_CHARGES: "Cargos por atraso",
        MovementKind.CHARGE: "Cargo",
        MovementKind.ACCRUED_INTEREST: "Interés a la fecha",
        MovementKind.PAYMENT: "Pago",
        MovementKind.PREPAYMENT: "Pago anticipado",
        MovementKind.CREDIT_APPLIED: "Aplicación de saldo a favor",
        MovementKind.WAIVER: "Condonación",
        MovementKind.RESCHEDULE: "Reprogramación",
        MovementKind.WRITE_OFF: "Castigo",
        MovementKind.RECOVERY: "Recuperación",
        "title": "Estado de cuenta",
        "as_of": "al",
        "date": "fecha",
        "movement": "movimiento",
        "charged": "cargo",
        "paid": "abono",
        "balance": "saldo",
        "credit": "a favor",
        "owed": "Deuda total",
        "arrears": "Monto vencido",
        "dpd": "Días de atraso",
        "payoff": "Cancelación hoy",
        "next": "Próxima cuota",
        "status": "Estado",
    },
}
_STATUS = {
    "en": {
        AccountStatus.ACTIVE: "active",
        AccountStatus.CLOSED: "paid off",
        AccountStatus.WRITTEN_OFF: "written off",
    },
    "es": {
        AccountStatus.ACTIVE: "vigente",
        AccountStatus.CLOSED: "cancelado",
        AccountStatus.WRITTEN_OFF: "castigado",
    },
}


def _rate_code(rate: Rate) -> str:
    """The rate's kind as a language-neutral code (``effective-annual``, ``effective-monthly``…,
    the ``rate_type`` of loan terms); the documents name it in a language (``rate_label``)."""
    period = str(rate.period)
    named = {
        ("effective-periodic", "monthly"): "effective-monthly",
        ("effective-periodic", "1d"): "effective-daily",
        ("flat-periodic", "monthly"): "flat-monthly",
    }.get((rate.kind.value, period))
    if rate.kind.value.endswith("-periodic") and named is None:
        return f"{rate.kind.value}:{period}"
    return named or rate.kind.value


@attrs.frozen(slots=True, kw_only=True)
class StatementLine:
    """One movement: ``charged`` (what it added to the debt), ``paid`` (what it took off),
    the change by component, and the balances after it."""

    date: dt.date
    kind: MovementKind
    reference: str
    description: str
    charged: Decimal
    paid: Decimal
    amounts: Components
    credit_change: Decimal
    balance: Decimal
    credit_balance: Decimal


@attrs.frozen(slots=True, kw_only=True)
class Statement:
    """An account statement as data; :meth:`to_dict` feeds templates (the text, Markdown and HTML
    statements are in :mod:`coopfinance.documents`).

    >>> from coopfinance import LoanTerms, Rate
    >>> from coopfinance.servicing import LoanAccount, Payment
    >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
    ...                   disbursed="2026-01-15")
    >>> account = LoanAccount(terms=terms, id="L-7",
    ...                       events=[Payment(date="2026-02-15", amount="522.49", id="p1")])
    >>> s = statement(account, dt.date(2026, 2, 20))
    >>> [(str(ln.date), ln.kind.value, str(ln.balance)) for ln in s.lines][-1], s.state.owed
    (('2026-02-15', 'payment', '504.31'), Decimal('504.31'))
    """

    account_id: str
    currency: str
    as_of: dt.date
    principal: Decimal
    rate: Rate
    lines: tuple[StatementLine, ...]
    state: AccountState

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a template: amounts as decimal strings, dates ISO 8601."""
        s = self.state
        nxt = s.next_due()
        return {
            "account_id": self.account_id,
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "principal": str(self.principal),
            "rate": f"{(self.rate.value * 100).normalize():f}%",
            "rate_type": _rate_code(self.rate),
            "status": s.status.value,
            "lines": [
                {
                    "date": ln.date.isoformat(),
                    "kind": ln.kind.value,
                    "reference": ln.reference,
                    "description": ln.description,
                    "charged": str(ln.charged),
                    "paid": str(ln.paid),
                    "amounts": ln.amounts.to_dict(),
                    "credit_change": str(ln.credit_change),
                    "balance": str(ln.balance),
                    "credit_balance": str(ln.credit_balance),
                }
                for ln in self.lines
            ],
            "summary": {
                "owed": str(s.owed),
                "principal_outstanding": str(s.principal_outstanding),
                "arrears": str(s.arrears),
                "interest_due": str(s.interest_due),
                "interest_accrued": str(s.interest_accrued),
                "fees_due": str(s.fees_due),
                "penalties_due": str(s.penalties_due),
                "days_past_due": s.days_past_due,
                "credit": str(s.credit),
                "payoff": str(s.payoff.total),
                "written_off": str(s.written_off.total),
                "recovered": str(s.recovered),
                "installment_amount": str(s.installment_amount),
                "remaining_installments": s.remaining_installments,
                "maturity": None if s.maturity is None else s.maturity.isoformat(),
            },
            "next_installment": None
            if nxt is None
            else {
                "number": nxt.number,
                "due_date": nxt.due_date.isoformat(),
                "amount": str(nxt.due.total),
            },
        }

    @staticmethod
    def line_label(line: StatementLine, lang: str = "en") -> str:
        """What a movement is called on a statement in English or Spanish (``es``)."""
        words = _LABELS.get(lang, _LABELS["en"])
        label = str(words[line.kind]).format(ref=line.reference)
        if line.kind is not MovementKind.INSTALLMENT_DUE and line.reference:
            label += f" {line.reference}"
        return label

    def status_label(self, lang: str = "en") -> str:
        """The account's status in words (active, paid off, written off)."""
        return _STATUS.get(lang, _STATUS["en"])[self.state.status]


@exact
def statement(account: LoanAccount, as_of: dt.date) -> Statement:
    """The statement of ``account`` from disbursement to ``as_of``."""
    state = account.state(as_of)
    balance = ZERO
    credit = ZERO
    lines = []
    for m in state.movements:
        a = m.amounts
        parts = (a.principal, a.interest, a.fees, a.penalties)
        charged = sum((x for x in parts if x > 0), ZERO)
        paid = -sum((x for x in parts if x < 0), ZERO)
        balance += a.total
        credit += m.credit
        if m.credit > 0:
            paid += m.credit
        lines.append(
            StatementLine(
                date=m.date,
                kind=m.kind,
                reference=m.reference,
                description=m.description,
                charged=charged,
                paid=paid,
                amounts=a,
                credit_change=m.credit,
                balance=balance,
                credit_balance=credit,
            )
        )
    return Statement(
        account_id=account.id,
        currency=state.currency,
        as_of=as_of,
        principal=account.terms.principal.amount,
        rate=account.terms.rate,
        lines=tuple(lines),
        state=state,
    )
