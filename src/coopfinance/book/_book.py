"""The co-op book: an append-only record of the season, from which settlements, loan statements
and documents are derived (see docs/book.md)."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import pathlib
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from coopfinance._decimal import exact
from coopfinance.book import (  # issue 17
    _accounts,
    _chart,
    _close,
    _deliveries,
    _entries,
    _export,
    _imports,
    _income,
    _journal,
    _linked_import,
    _members,
    _reports,
)
from coopfinance.book import _schema as t
from coopfinance.book._close import Adjustment, Closing
from coopfinance.book._common import (
    Coop,
    ImportReport,
    Member,
    closed_through,
    current_members,
    dumps,
    lock,  # issue 17
)
from coopfinance.book._compat import Currency, policy_to_dict
from coopfinance.book._csv import Source
from coopfinance.book._documents import BookDocuments
from coopfinance.book._errors import BookError
from coopfinance.book._groups import SolidarityGroups  # issue 18 §2
from coopfinance.book._linked import LinkedLoans  # issue 18
from coopfinance.book._migrate import check_revision, current_revision, upgrade
from coopfinance.book._store import Store, create_engine, to_url
from coopfinance.coop import SurplusPolicy  # issue 17
from coopfinance.dairy import FarmerSettlement, Period, Settlement, SettlementPolicy
from coopfinance.documents import render, render_pdf  # issue 17
from coopfinance.errors import E_
from coopfinance.servicing import AccountState, LoanAccount

__all__ = ["Book", "BookStatus", "FarmerStatement"]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container)
        return "coopfinance"


@attrs.frozen(slots=True, kw_only=True)
class BookStatus:
    """What a book holds: counts of entries, the last closed period and the first open one."""

    coop_id: str
    members: int
    deliveries: int
    loans: int
    closed_through: dt.date | None
    open_period: Period | None
    imports: int


@attrs.frozen(slots=True, kw_only=True)
class FarmerStatement:
    """A farmer's position as of a date, from the book: each closed settlement paid by then (its
    frozen statement and the adjustments settled in it) and each loan's state."""

    farmer: str
    as_of: dt.date
    settlements: tuple[tuple[dt.date, FarmerSettlement, tuple[Adjustment, ...]], ...]
    loans: tuple[tuple[str, AccountState], ...]


def _where(where: str | pathlib.Path | Engine | Connection) -> tuple[Engine | Connection, bool]:
    if isinstance(where, Engine | Connection):
        return where, False
    return create_engine(to_url(where)), True


class Book(LinkedLoans, SolidarityGroups):
    """One co-op's book in a database (SQLite file, PostgreSQL server, or the app's own
    Engine/Connection). Several co-ops may share a database; a book reads and writes its own
    co-op's rows only. Every write (an import, a close) is one transaction.

    >>> book = Book.init("sqlite://", coop="manantial", name="Manantial de Vida")
    >>> book.status().members
    0
    >>> book.close()
    Traceback (most recent call last):
    ...
    coopfinance.book._errors.WrongPeriod: there is nothing to close: no delivery is recorded.
    """

    def __init__(
        self, bind: Engine | Connection, coop: str, *, user: str | None = None, owned: bool = False
    ) -> None:
        self._store = Store(bind)
        self._owned = owned
        self.user = user or _user()
        with self._store.transaction(write=False) as conn:
            check_revision(conn)
            self.coop = Coop.load(conn, coop)

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        where: str | pathlib.Path | Engine | Connection,
        coop: str | None = None,
        *,
        user: str | None = None,
    ) -> Book:
        """Open a book: ``where`` is a URL (``sqlite:///coop.db``, ``postgresql+psycopg://…``),
        a path to a SQLite file, or the app's Engine or Connection. ``coop`` may be left out
        when the database holds one co-op only."""
        bind, owned = _where(where)
        if coop is None:
            store = Store(bind)
            with store.transaction(write=False) as conn:
                check_revision(conn)
                found = [r[0] for r in conn.execute(sa.select(t.coops.c.coop_id))]
            if len(found) != 1:
                raise BookError(
                    E_(
                        "'coop' must be given: this database holds %(found)s co-ops (%(found2)s).",
                        found=len(found),
                        found2=", ".join(sorted(found)) or "none",
                    ),
                    field="coop",
                    value=found,
                )
            coop = found[0]
        return cls(bind, coop, user=user, owned=owned)

    @classmethod
    def init(
        cls,
        where: str | pathlib.Path | Engine | Connection,
        coop: str,
        *,
        name: str | None = None,
        currency: str = "PEN",
        policy: SettlementPolicy | None = None,
        pay_delay_days: int = 0,
        user: str | None = None,
    ) -> Book:
        """Create the book of co-op ``coop`` (and the schema, in an empty database).

        ``policy`` is the settlement policy in force (frequency, deduction order, caps, floor);
        each period is paid ``pay_delay_days`` (0–6) after its last day: the pay date, on which
        check-off payments are dated and check-off loans fall due."""
        if not 0 <= pay_delay_days <= 6:
            raise BookError(
                E_(
                    "'pay_delay_days' must be 0 to 6 (got %(pay_delay_days)s): a period is "
                    "paid before the next one ends.",
                    pay_delay_days=pay_delay_days,
                ),
                field="pay_delay_days",
                value=pay_delay_days,
            )
        if not coop or len(coop) > 64:
            raise BookError(
                E_("'coop' must be an id of 1 to 64 characters (got %(coop)s).", coop=repr(coop)),
                field="coop",
                value=coop,
            )
        code = Currency.of(currency).code
        bind, owned = _where(where)
        store = Store(bind)
        with store.transaction(write=True) as conn:
            if current_revision(conn) is None:
                upgrade(conn)
            check_revision(conn)
            exists = conn.execute(sa.select(t.coops.c.coop_id).where(t.coops.c.coop_id == coop))
            if exists.first() is not None:
                raise BookError(
                    E_("'coop' %(coop)s already has a book in this database.", coop=repr(coop)),
                    field="coop",
                    value=coop,
                )
            conn.execute(
                t.coops.insert().values(
                    coop_id=coop,
                    name=name or coop,
                    currency=code,
                    policy=dumps(policy_to_dict(policy or SettlementPolicy())),
                    pay_delay_days=pay_delay_days,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
        return cls(bind, coop, user=user, owned=owned)

    @staticmethod
    def upgrade(where: str | pathlib.Path | Engine | Connection) -> str:
        """Migrate the database's book schema to this coopfinance's; returns the revision."""
        bind, owned = _where(where)
        store = Store(bind)
        try:
            with store.transaction(write=True) as conn:
                upgrade(conn)
                revision = current_revision(conn)
        finally:
            if owned:
                store.dispose()
        assert revision is not None
        return revision

    def close_connection(self) -> None:
        """Release the engine the book made from a URL (an app's own engine is left alone)."""
        if self._owned:
            self._store.dispose()

    # --- writing ------------------------------------------------------------------------------

    def _write(
        self, kind: str, source: Source, progress: _imports.Progress | None = None
    ) -> ImportReport:
        func = {
            "roster": _imports.import_roster,
            "prices": _imports.import_prices,
            "deliveries": _deliveries.import_deliveries,
            "loans": _linked_import.import_loans,  # issue 18 §1: with revenue-share loans
            "payments": _imports.import_payments,
            "obligations": _imports.import_obligations,
        }[kind]
        with _imports.progress_source(source, kind, progress) as (counted, finish):
            with self._store.transaction(write=True) as conn:
                report = func(conn, self.coop, counted, self.user)
            finish(report.new + report.already + report.corrected)
        return report

    def import_roster(
        self, source: Source, *, progress: _imports.Progress | None = None
    ) -> ImportReport:
        """Members and suppliers (CSV: farmer, name, role, route, pickup_days, joined, left).

        ``progress(done, total)``, if given, is called as the rows are read (every
        :data:`~coopfinance.book._imports.PROGRESS_EVERY` rows of a CSV file, ``total`` counted
        first for a path, else ``None``) and once at the end with ``done == total``; the same on
        every ``import_*`` method (a TOML/JSON or ``.xlsx`` file: once before and once after).

        >>> import io
        >>> book = Book.init("sqlite://", coop="c")
        >>> _ = book.import_roster(io.StringIO("farmer,name\\nM001,Carmen\\n"))
        >>> seen = []
        >>> _ = book.import_roster(io.StringIO("farmer,name\\nM002,Jorge\\n"),
        ...                        progress=lambda done, total: seen.append((done, total)))
        >>> seen
        [(0, None), (1, 1)]
        """
        return self._write("roster", source, progress)

    def import_prices(
        self, source: Source, *, progress: _imports.Progress | None = None
    ) -> ImportReport:
        """A milk price schedule (TOML/JSON as ``MilkPriceSchedule.from_file`` reads)."""
        return self._write("prices", source, progress)

    def import_deliveries(
        self, source: Source, *, progress: _imports.Progress | None = None
    ) -> ImportReport:
        """Deliveries (CSV, or an ``.xlsx`` workbook with the ``xlsx`` extra; streamed): see
        :mod:`coopfinance.book._deliveries`. ``progress``: as :meth:`import_roster`."""
        return self._write("deliveries", source, progress)

    def import_loans(
        self, source: Source, *, progress: _imports.Progress | None = None
    ) -> ImportReport:
        """Loans (TOML/JSON ``[[loan]]`` tables)."""
        return self._write("loans", source, progress)

    def import_payments(
        self, source: Source, *, progress: _imports.Progress | None = None
    ) -> ImportReport:
        """Cash payments with receipt numbers (CSV: loan_id, date, amount, receipt, channel)."""
        return self._write("payments", source, progress)

    def import_obligations(
        self, source: Source, *, progress: _imports.Progress | None = None
    ) -> ImportReport:
        """Inputs on credit, savings, contributions (CSV: farmer, kind, amount, due, …)."""
        return self._write("obligations", source, progress)

    @exact
    def close(
        self,
        period: Period | str | None = None,
        *,
        progress: Callable[[int, int], object] | None = None,
    ) -> Closing:
        """Close ``period`` (``Period``, ``START..END`` or a day in it; default the first open
        one): settle it from the book, post check-off payments dated its pay date, freeze it.

        ``progress(done, total)``, when given, is called as the close goes: per chunk of farmers
        stored (``total``: the farmers settled) and once with ``done == total`` when the period
        is closed."""
        with self._store.transaction(write=True) as conn:
            return _close.close(conn, self.coop, self._period(period), self.user, progress=progress)

    def _period(self, period: Period | str | dt.date | None) -> Period | None:
        if period is None or isinstance(period, Period):
            return period
        if isinstance(period, dt.date):
            return self.coop.period_of(period)
        if ".." in period:
            return Period.parse(period)
        try:
            return self.coop.period_of(dt.date.fromisoformat(period.strip()))
        except ValueError:
            raise BookError(
                E_("'period' must be START..END or a date (got %(period)s).", period=repr(period)),
                field="period",
                value=period,
            ) from None

    # --- reading ------------------------------------------------------------------------------

    def _read(self) -> Any:
        return self._store.transaction(write=False)

    def status(self) -> BookStatus:
        """Counts of entries and where the closes stand."""
        cid = self.coop.coop_id
        with self._read() as conn:

            def count(table: sa.Table) -> int:
                return int(
                    conn.execute(
                        sa.select(sa.func.count()).select_from(table).where(table.c.coop_id == cid)
                    ).scalar_one()
                )

            return BookStatus(
                coop_id=cid,
                members=len(current_members(conn, cid)),
                deliveries=count(t.deliveries),
                loans=count(t.loans),
                closed_through=closed_through(conn, cid),
                open_period=_close.open_period(conn, self.coop),
                imports=count(t.imports),
            )

    def members(self) -> dict[str, Member]:
        """The roster now (each farmer's latest version)."""
        with self._read() as conn:
            return current_members(conn, self.coop.coop_id)

    def closed_periods(self) -> list[Period]:
        """The closed periods, in order."""
        st = t.settlements
        with self._read() as conn:
            rows = conn.execute(
                sa.select(st.c.period_start, st.c.period_end)
                .where(st.c.coop_id == self.coop.coop_id)
                .order_by(st.c.period_start)
            )
            return [Period(start=r[0], end=r[1]) for r in rows]

    @exact
    def settlement(
        self, period: Period | str | dt.date, *, with_deliveries: bool = True
    ) -> Settlement:
        """A closed period's frozen settlement (with the deliveries as they stood at the close, and
        the prices, for the liquidación's detail)."""
        p = self._period(period)
        assert p is not None
        with self._read() as conn:
            return _close.frozen_settlement(
                conn, self.coop, p.start, with_deliveries=with_deliveries
            )[0]

    def closing(self, period: Period | str | dt.date) -> tuple[dt.date, tuple[Adjustment, ...]]:
        """A closed period's pay date and the adjustments it settled."""
        p = self._period(period)
        assert p is not None
        with self._read() as conn:
            _, pay, adjustments = _close.frozen_settlement(conn, self.coop, p.start)
            return pay, adjustments

    def account(self, loan_id: str) -> LoanAccount:
        """A loan's account with every event recorded (cash and check-off payments)."""
        with self._read() as conn:
            found = _close.accounts(conn, self.coop.coop_id, loan_id=loan_id)
        if loan_id not in found:
            raise BookError(
                E_("'loan_id' %(loan_id)s is not in the book.", loan_id=repr(loan_id)),
                field="loan_id",
                value=loan_id,
            )
        return found[loan_id][1]

    def accounts(self) -> dict[str, tuple[str, LoanAccount]]:
        """Every loan: ``{loan id: (farmer, account)}``."""
        with self._read() as conn:
            return _close.accounts(conn, self.coop.coop_id)

    @exact
    def statement(self, farmer: str, as_of: dt.date | None = None) -> FarmerStatement:
        """A farmer's settlements paid by ``as_of`` (default today) and loans as of ``as_of``."""
        day = as_of or dt.date.today()
        with self._read() as conn:
            if farmer not in current_members(conn, self.coop.coop_id):
                raise BookError(
                    E_("'farmer' %(farmer)s is not on the roster.", farmer=repr(farmer)),
                    field="farmer",
                    value=farmer,
                )
            st = t.settlements
            starts = [
                r[0]
                for r in conn.execute(
                    sa.select(st.c.period_start)
                    .where(st.c.coop_id == self.coop.coop_id, st.c.pay_date <= day)
                    .order_by(st.c.period_start)
                )
            ]
            settled = []
            for start in starts:
                s, pay, adj = _close.frozen_settlement(conn, self.coop, start)
                mine = [x for x in s.statements if x.farmer == farmer]
                if mine:
                    settled.append((pay, mine[0], tuple(a for a in adj if a.farmer == farmer)))
            loans = tuple(
                (loan_id, account.state(day))
                for loan_id, (owner, account) in sorted(
                    _close.accounts(conn, self.coop.coop_id).items()
                )
                if owner == farmer and account.terms.disbursed <= day
            )
        return FarmerStatement(farmer=farmer, as_of=day, settlements=tuple(settled), loans=loans)

    @exact
    def documents(self, as_of: dt.date | None = None) -> BookDocuments:
        """Every document from the book as of ``as_of`` (default today): liquidación, period
        summary, loan statement, key facts, training worksheet, portfolio report; each a context
        of the engines' values for the ``coopfinance.documents`` templates (see
        :mod:`coopfinance.book._documents`)."""
        return BookDocuments(self, as_of or dt.date.today())

    def export(self, directory: str | os.PathLike[str]) -> list[pathlib.Path]:
        """Write everything in the book to CSV files in ``directory`` (see docs/book.md)."""
        with self._read() as conn:
            return _export.export(conn, self.coop.coop_id, pathlib.Path(directory))

    def restore(self, directory: str | os.PathLike[str]) -> None:
        """Load an export into this book, which must be empty (one transaction)."""
        with self._store.transaction(write=True) as conn:
            _export.restore(conn, self.coop.coop_id, pathlib.Path(directory))

    def entries(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of one of the book's tables for this co-op, in the order recorded (for
        inspection and tests)."""
        tab = t.metadata.tables[f"book_{table}"]
        with self._read() as conn:
            rows = (
                conn.execute(
                    sa.select(tab)
                    .where(tab.c.coop_id == self.coop.coop_id)
                    .order_by(*tab.primary_key.columns)
                )
                .mappings()
                .all()
            )
        for r in rows:
            yield dict(r)

    # --- the co-op's own accounts (issue 17; docs/accounts.md) --------------------------------

    def record_entries(self, source: Source) -> ImportReport:
        """The co-op's own income and expense entries (CSV: ``date``, ``kind``, ``amount``,
        ``reference``, optionally ``litres``, ``description``): milk sold to the buyer, transport,
        chilling, staff, interest on the co-op's borrowing, provisions, depreciation, other income
        and costs (kinds: :data:`~coopfinance.book.ENTRY_KINDS`). Identity: kind, date, reference."""
        with self._store.transaction(write=True) as conn:
            return _entries.import_entries(conn, self.coop, source, self.user)

    def record_contributions(self, source: Source) -> ImportReport:
        """Contributions paid at the office and retornos paid out (CSV: ``farmer``, ``date``,
        ``kind`` = ``cash`` or ``paid``, ``amount``, ``reference``)."""
        with self._store.transaction(write=True) as conn:
            return _entries.import_contributions(conn, self.coop, source, self.user)

    def join(self, farmer: str, date: dt.date) -> None:
        """Supplier ``farmer`` becomes a member from ``date`` (the first day of an open period)."""
        with self._store.transaction(write=True) as conn:
            _members.join(conn, self.coop, farmer, date, self.user)

    def exit(self, farmer: str, kind: str, date: dt.date, reason: str = "") -> None:
        """Record the exit (``renuncia``, ``exclusion``, ``death``) of ``farmer`` on ``date``."""
        with self._store.transaction(write=True) as conn:
            _members.exit_member(
                conn, self.coop, farmer, kind=kind, date=date, reason=reason, user=self.user
            )

    def liquidate(
        self, farmer: str, date: dt.date, *, write_off: bool = False
    ) -> _members.Liquidation:
        """The final liquidación of a farmer who left: computed, posted and recorded."""
        with self._store.transaction(write=True) as conn:
            return _members.liquidate(
                conn, self.coop, farmer, date=date, write_off=write_off, user=self.user
            )

    @exact
    def liquidation(self, farmer: str) -> _members.Liquidation:
        """A recorded liquidación."""
        with self._read() as conn:
            return _members.stored_liquidation(conn, self.coop, farmer)

    def memberships(self) -> dict[str, _accounts.Membership]:
        """Every farmer's membership (join and exit dates)."""
        with self._read() as conn:
            return _accounts.memberships(conn, self.coop.coop_id)

    @exact
    def contributions(
        self, farmer: str, as_of: dt.date | None = None
    ) -> _accounts.ContributionStatement:
        """A farmer's statement of contributions as of ``as_of`` (default: everything)."""
        with self._read() as conn:
            name = self._name(conn, farmer)
            entries = _accounts.contribution_entries(conn, self.coop.coop_id)
        return _accounts.statement_of(entries, farmer, name, as_of or dt.date.max)

    @exact
    def journal(self, as_of: dt.date | None = None) -> list[_journal.JournalEntry]:
        """The double-entry journal through ``as_of`` (derived from the book, see docs/accounts.md)."""
        with self._read() as conn:
            return _journal.journal(conn, self.coop, as_of)

    @exact
    def trial_balance(
        self, as_of: dt.date | None = None, chart: _chart.Chart = _chart.PCGE
    ) -> list[_journal.TrialBalanceRow]:
        """The trial balance as of ``as_of`` on ``chart`` (default PCGE)."""
        return _journal.trial_balance(self.journal(as_of), chart, as_of)

    @exact
    def ledger_csv(self, as_of: dt.date | None = None, chart: _chart.Chart = _chart.PCGE) -> str:
        """The general ledger as CSV text (formula-safe), through ``as_of``."""
        return _journal.ledger_csv(self.journal(as_of), chart, as_of)

    @exact
    def income_statement(self, start: dt.date, end: dt.date) -> _income.IncomeStatement:
        """The income statement of ``start..end`` from the journal."""
        with self._read() as conn:
            entries = _journal.journal(conn, self.coop, end)
            return _income.income_statement(conn, self.coop, entries, start, end)

    @exact
    def distribute(
        self, year: int, date: dt.date, policy: SurplusPolicy | None = None
    ) -> _income.YearDistribution:
        """Compute and record the distribution of ``year``'s remanente (LGC art. 42), approved by
        the assembly on ``date``: interest and retornos are credited to the members that day."""
        with self._store.transaction(write=True) as conn:
            lock(conn, self.coop.coop_id)
            entries = _journal.journal(conn, self.coop, dt.date(year, 12, 31))
            return _income.distribute_year(
                conn,
                self.coop,
                entries=entries,
                year=year,
                date=date,
                policy=policy or SurplusPolicy(),
                user=self.user,
            )

    @exact
    def distribution(self, year: int) -> _income.YearDistribution:
        """A recorded distribution, read back."""
        with self._read() as conn:
            entries = _journal.journal(conn, self.coop, dt.date(year, 12, 31))
            return _income.stored_distribution(conn, self.coop, entries, year)

    @exact
    def contributions_document(
        self, farmer: str, as_of: dt.date | None = None, *, lang: str = "es", fmt: str = "md"
    ) -> str | bytes:
        """A member's statement of contributions: Markdown, HTML or PDF (``fmt="pdf"``: bytes)."""
        statement = self.contributions(farmer, as_of)
        if statement.as_of == dt.date.max:
            statement = attrs.evolve(
                statement,
                as_of=max((e.date for e, _, _ in statement.lines), default=dt.date.today()),
            )
        ctx = _reports.contributions_context(
            statement, coop_name=self.coop.name, currency=self.coop.currency
        )
        return self._document("member_contributions", ctx, lang, fmt)

    @exact
    def liquidation_document(
        self, farmer: str, *, lang: str = "es", fmt: str = "md"
    ) -> str | bytes:
        """A leaver's final liquidación as a document for the member."""
        ctx = _reports.liquidation_context(
            self.liquidation(farmer), coop_name=self.coop.name, currency=self.coop.currency
        )
        return self._document("member_liquidation", ctx, lang, fmt)

    @exact
    def assembly_document(self, year: int, *, lang: str = "es", fmt: str = "md") -> str | bytes:
        """The year's accounts for the general assembly (income statement, art. 42 distribution,
        each member's interest and retorno, reconciled), from the recorded distribution."""
        y = self.distribution(year)
        ctx = _reports.assembly_context(
            y, coop_name=self.coop.name, interest_rate=y.interest_rate, interest_cap=y.interest_cap
        )
        return self._document("year_accounts", ctx, lang, fmt)

    @staticmethod
    def _document(name: str, ctx: dict[str, Any], lang: str, fmt: str) -> str | bytes:
        if fmt == "pdf":
            return render_pdf(name, ctx, lang=lang)
        return render(name, ctx, lang=lang, fmt=fmt)

    def _name(self, conn: Connection, farmer: str) -> str:
        roster = current_members(conn, self.coop.coop_id)
        if farmer not in roster:
            raise BookError(
                E_("'farmer' %(farmer)s is not on the roster.", farmer=repr(farmer)),
                field="farmer",
                value=farmer,
            )
        return roster[farmer].name
