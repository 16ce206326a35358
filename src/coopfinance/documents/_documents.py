"""The first two documents: the printed repayment schedule (cronograma) and the key-facts sheet.

Each has a *context* function that turns domain values into what its templates use (so a co-op's own
templates get the same names) and a *render* function. The schedule table shows every field of
:class:`~coopfinance.Installment`, in order, with a total for every amount column that is a flow
(everything but the opening and closing balances): a column added to ``Installment`` appears in
every document once its label ``column.<name>`` is in the catalogs.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import typing
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from coopfinance import text
from coopfinance._decimal import ZERO, exact, to_decimal
from coopfinance._fields import to_text
from coopfinance._rates import Rate, RateKind
from coopfinance._schedule import Installment, Schedule
from coopfinance._terms import LoanTerms
from coopfinance.documents._env import render
from coopfinance.documents._facts import KeyFacts
from coopfinance.errors import E_, InvalidValue, WrongType, fmt_value

__all__ = [
    "Column",
    "ColumnKind",
    "key_facts_context",
    "rate_label",
    "render_key_facts",
    "render_schedule",
    "schedule_charts",
    "schedule_columns",
    "schedule_context",
    "schedule_text",
]

_NOT_SUMMED = frozenset({"opening_balance", "balance"})


class ColumnKind(enum.StrEnum):
    """How a schedule column is formatted (templates compare it with the plain strings)."""

    NUMBER = "number"
    DATE = "date"
    MONEY = "money"


def _kind(value: ColumnKind | str) -> ColumnKind:
    try:
        return ColumnKind(value)
    except ValueError:
        choices = ", ".join(repr(k.value) for k in ColumnKind)
        raise InvalidValue(
            E_(
                "'kind' must be one of %(choices)s (got %(value)s).",
                choices=choices,
                value=fmt_value(value),
            ),
            field="kind",
            value=value,
        ) from None


@attrs.frozen(slots=True, kw_only=True)
class Column:
    """One column of a schedule table: the :class:`~coopfinance.Installment` field it shows, how
    it is formatted, and its total (``None`` for columns that are not summed)."""

    name: str
    kind: ColumnKind = attrs.field(converter=_kind)
    total: Decimal | None = None


_KINDS: dict[Any, ColumnKind] = {
    int: ColumnKind.NUMBER,
    dt.date: ColumnKind.DATE,
    Decimal: ColumnKind.MONEY,
}


_OPTIONAL = frozenset({"fees", "insurance", "taxes"})


@exact
def schedule_columns(schedule: Schedule) -> tuple[Column, ...]:
    """The columns of ``schedule``'s table: every field of :class:`~coopfinance.Installment`,
    except the fees, insurance and taxes columns when no row has any.

    A printed row adds up as printed: ``principal + interest + charges = total``, so the
    ``charges`` column (their sum) shows only when none of its components does; when some row has
    fees, insurance or taxes, those columns show and ``charges`` does not (it would count them
    twice on paper).

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=6,
    ...               disbursed="2026-01-15").schedule()
    >>> [(c.name, str(c.kind), c.total) for c in schedule_columns(s)][3:6]
    [('opening_balance', 'money', None), ('principal', 'money', Decimal('5000.00')),
     ('interest', 'money', Decimal('453.87'))]
    """
    hints = typing.get_type_hints(Installment)
    columns = []
    for name in Installment._fields:
        kind = _KINDS.get(hints[name])
        if kind is None:
            raise WrongType(
                E_(
                    "the schedule column %(name)s has a type documents cannot format (got "
                    "%(hints)s); expected int, date or Decimal.",
                    name=repr(name),
                    hints=repr(hints[name]),
                ),
                field=name,
                value=hints[name],
            )
        total = None
        if kind is ColumnKind.MONEY and name not in _NOT_SUMMED:
            total = sum((getattr(row, name) for row in schedule), ZERO)
        if name in _OPTIONAL and not any(getattr(row, name) for row in schedule):
            continue
        columns.append(Column(name=name, kind=kind, total=total))
    if any(c.name in _OPTIONAL for c in columns):
        columns = [c for c in columns if c.name != "charges"]
    return tuple(columns)


def _schedule(value: object) -> Schedule:
    if not isinstance(value, Schedule):
        raise WrongType(
            E_(
                "'schedule' must be a coopfinance Schedule (got %(type)s).",
                type=type(value).__name__,
            ),
            field="schedule",
            value=value,
        )
    if not len(value):
        raise InvalidValue(
            E_("'schedule' must have at least one installment (got none)."),
            field="schedule",
            value=value,
        )
    return value


def _table(schedule: Schedule) -> dict[str, Any]:
    return {
        "schedule": schedule,
        "currency": schedule.currency,
        "columns": schedule_columns(schedule),
        "rows": [row._asdict() for row in schedule],
        "principal": schedule.principal,
        "disbursed": schedule.disbursed,
        "first_due": schedule[0].due_date,
        "maturity": schedule.maturity,
        "installment_count": len(schedule),
        "installment_amount": schedule.installment_amount,
        "installment_range": _installment_range(schedule),
    }


def _installment_range(schedule: Schedule) -> tuple[Decimal, Decimal] | None:
    """``(lowest, highest)`` of the rows' totals when they are not all the schedule's
    ``installment_amount`` (the last row, which absorbs the rounding, aside): a seasonal loan's
    weighted installments, charges or unequal periods that change what is paid. ``None`` when
    every row but the last pays exactly ``installment_amount``."""
    totals = [row.total for row in schedule]
    if all(t == schedule.installment_amount for t in totals[:-1]):
        return None
    return min(totals), max(totals)


def _milk_income(value: Iterable[Decimal | int | str] | None, n: int) -> list[Decimal] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        raise WrongType(
            E_(
                "'milk_income' must be a sequence of amounts, one per installment (got %(value)s).",
                value=fmt_value(value),
            ),
            field="milk_income",
            value=value,
        )
    amounts = [to_decimal(v, field=f"milk_income[{k}]") for k, v in enumerate(value)]
    if len(amounts) != n:
        raise InvalidValue(
            E_(
                "'milk_income' must have one amount per installment, %(n)s (got %(amounts)s).",
                n=n,
                amounts=len(amounts),
            ),
            field="milk_income",
            value=len(amounts),
        )
    return amounts


def schedule_charts(
    schedule: Schedule, milk_income: Iterable[Decimal | int | str] | None = None
) -> dict[str, Any]:
    """The series of the cronograma's charts (drawn by the HTML template with ``bar_chart`` and
    ``line_chart``; the table stays as their text alternative): ``numbers`` (the installment
    numbers as labels), ``installments`` (each row's total), ``milk_income`` (the expected milk
    income of each installment's month, when given, else ``None``), ``balance_labels`` and
    ``balance`` (the principal at disbursement, then each closing balance).

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
    ...               disbursed="2026-01-15").schedule()
    >>> c = schedule_charts(s, milk_income=["900", "950"])
    >>> c["numbers"], [str(v) for v in c["balance"]], c["milk_income"][1]
    (['1', '2'], ['1000.00', '504.31', '0.00'], Decimal('950'))
    """
    schedule = _schedule(schedule)
    return {
        "numbers": [str(row.number) for row in schedule],
        "installments": [row.total for row in schedule],
        "milk_income": _milk_income(milk_income, len(schedule)),
        "balance_labels": ["0", *(str(row.number) for row in schedule)],
        "balance": [schedule.principal, *(row.balance for row in schedule)],
    }


@exact
def schedule_context(
    schedule: Schedule,
    *,
    borrower: str | None = None,
    lender: str | None = None,
    rate_label: str | None = None,
    milk_income: Iterable[Decimal | int | str] | None = None,
) -> dict[str, Any]:
    """What the ``schedule`` templates use.

    ``schedule``, ``currency``, ``borrower``, ``lender``, ``rate_label`` (each ``None`` to leave
    its line out: no blank line to fill by hand), ``principal``, ``disbursed``, ``first_due``,
    ``maturity``, ``installment_count``, ``installment_amount``, ``columns``
    (:func:`schedule_columns`), ``rows`` (one dict per installment, keyed by column name) and
    ``charts`` (:func:`schedule_charts`, with ``milk_income`` when given: one expected milk income
    per installment, e.g. from ``coopfinance.dairy`` production, to set each cuota against).
    """
    return {
        **_table(_schedule(schedule)),
        "charts": schedule_charts(schedule, milk_income),
        "borrower": None if borrower is None else to_text(borrower, field="borrower"),
        "lender": None if lender is None else to_text(lender, field="lender"),
        "rate_label": None if rate_label is None else to_text(rate_label, field="rate_label"),
    }


@exact
def key_facts_context(facts: KeyFacts) -> dict[str, Any]:
    """What the ``key_facts`` templates use: everything :func:`schedule_context` gives, plus
    ``facts``, ``product``, ``amount_received`` (principal − fees withheld − fees financed) and
    ``total_charges`` (fees + insurance + taxes)."""
    if not isinstance(facts, KeyFacts):
        raise WrongType(
            E_("'facts' must be a KeyFacts (got %(type)s).", type=type(facts).__name__),
            field="facts",
            value=facts,
        )
    schedule = _schedule(facts.schedule)
    return {
        **_table(schedule),
        "facts": facts,
        "borrower": facts.borrower,
        "lender": facts.lender,
        "product": facts.product,
        "amount_received": schedule.principal - facts.fees_withheld - facts.fees_financed,
        "total_charges": facts.total_fees + facts.total_insurance + facts.total_taxes,
    }


@exact
def render_schedule(
    schedule: Schedule,
    *,
    borrower: str | None = None,
    lender: str | None = None,
    lang: str = "es",
    fmt: str = "md",
    rate_label: str | None = None,
    milk_income: Iterable[Decimal | int | str] | None = None,
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
) -> str:
    """The printed repayment schedule (cronograma) in Markdown or HTML, in Spanish or English.

    ``rate_label`` is shown as given (e.g. ``"TEA 35.00 %"``); the schedule itself does not know
    its rate. ``borrower``, ``lender`` and ``rate_label`` are optional: a line left out is not
    printed (an app showing a simulation has no borrower yet). In HTML, a chart sets each
    installment against ``milk_income`` (one expected milk income per installment) when given,
    and another draws the balance over time.

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=6,
    ...               disbursed="2026-01-15").schedule()
    >>> text = render_schedule(s, borrower="Juana Quispe", lender="Cooperativa Manantial de Vida",
    ...                        rate_label="TEA 35.00 %")
    >>> print(text.splitlines()[0])
    # Cronograma de pagos
    >>> print([line for line in text.splitlines() if line.startswith("| 1 |")][0])
    | 1 | 15/02/2026 | 31 | 5,000.00 | 778.08 | 130.90 | 0.00 | 908.98 | 4,221.92 |
    """
    context = schedule_context(
        schedule, borrower=borrower, lender=lender, rate_label=rate_label, milk_income=milk_income
    )
    return render(
        "schedule", context, lang=lang, fmt=fmt, template_dirs=template_dirs, messages=messages
    )


@exact
def schedule_text(
    schedule: Schedule,
    *,
    lang: str = "en",
    terms: LoanTerms | None = None,
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
) -> str:
    """The schedule as a plain-text table for a terminal or a printout (``schedule.txt.j2``, what
    ``coopfinance schedule`` prints), headers in English or Spanish (``es``); with ``terms``, a
    first line names the principal, the rate, the day count and the amortization.

    The fees, insurance and taxes columns appear only when some row has one.

    >>> from coopfinance import LoanTerms, Rate
    >>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=3,
    ...               disbursed="2026-01-15").schedule()
    >>> print(schedule_text(s))
    # due date   days  opening principal interest charges    total  balance
    1 2026-02-15   31 5,000.00  1,620.90   130.90    0.00 1,751.80 3,379.10
    2 2026-03-15   28 3,379.10  1,672.00    79.80    0.00 1,751.80 1,707.10
    3 2026-04-15   31 1,707.10  1,707.10    44.69    0.00 1,751.79     0.00
      total                     5,000.00   255.39    0.00 5,255.39
    """
    context = {
        **_table(_schedule(schedule)),
        "terms": terms,
        "rate_label": None if terms is None else rate_label(terms.rate, lang, messages),
    }
    text = render(
        "schedule", context, lang=lang, fmt="txt", template_dirs=template_dirs, messages=messages
    )
    return text.removesuffix("\n")


@exact
def render_key_facts(
    facts: KeyFacts,
    *,
    lang: str = "es",
    fmt: str = "md",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
) -> str:
    """The key-facts sheet (*hoja resumen*) with its schedule, in Markdown or HTML."""
    return render(
        "key_facts",
        key_facts_context(facts),
        lang=lang,
        fmt=fmt,
        template_dirs=template_dirs,
        messages=messages,
    )


_RATE_CONTEXT = "rate label"
_RATE_LABELS = {
    RateKind.EFFECTIVE_ANNUAL: text.N_("%(pct)s%% effective annual (TEA)"),
    RateKind.NOMINAL_ANNUAL: text.N_("%(pct)s%% nominal annual"),
    RateKind.FLAT_ANNUAL: text.N_("%(pct)s%% flat annual"),
}
_PERIODIC = {
    (RateKind.EFFECTIVE_PERIODIC, "monthly"): text.N_("%(pct)s%% effective monthly (TEM)"),
    (RateKind.EFFECTIVE_PERIODIC, "1d"): text.N_("%(pct)s%% effective daily (TED)"),
    (RateKind.EFFECTIVE_PERIODIC, None): text.N_("%(pct)s%% effective per %(period)s"),
    (RateKind.FLAT_PERIODIC, "monthly"): text.N_("%(pct)s%% flat monthly"),
    (RateKind.FLAT_PERIODIC, None): text.N_("%(pct)s%% flat per %(period)s"),
}


@exact
def rate_label(rate: Rate, lang: str = "es", messages: text.Overrides | None = None) -> str:
    """How a document names ``rate``: ``TEA 35.00 %`` in Spanish, ``35.00% effective annual (TEA)``
    in English (2 decimals, as Peruvian hojas resumen print rates); the words are catalog messages
    (context ``rate label``), so ``messages`` may override them.

    >>> rate_label(Rate.effective_annual("18%")), rate_label(Rate.flat("2.5%"), "en")
    ('TEA 18.00 %', '2.50% flat monthly')
    >>> rate_label(Rate.effective_annual("18%"), "pt_BR")
    '18.00 % efetiva anual (TEA)'
    """
    pct = (rate.value * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    period = None if rate.period is None else rate.period.label
    msgid = _RATE_LABELS.get(rate.kind) or _PERIODIC.get(
        (rate.kind, period), _PERIODIC.get((rate.kind, None), "")
    )
    tr = text.translator(lang, overrides=messages)
    return tr.pgettext(_RATE_CONTEXT, msgid, pct=str(pct), period=period or "")
