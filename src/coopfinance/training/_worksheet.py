"""A member's own figures and the personal worksheet built from them.

:class:`MemberData` holds what the co-op knows about one member — the loan, a fortnight's milk
and its settlement deductions, the monthly budget, a savings goal — and :func:`worksheet` turns
each part that is given into exercises whose numbers are the member's own, with answers computed
by the library (the same generators as quizzes, fed with the member's values instead of random
draws). Nothing is invented: a section left out gives no exercise.

The input file (TOML; JSON with the same keys also works)::

    id = "M001"                      # required
    name = "Rosa Quispe Mamani"      # required
    role = "member"                  # or "supplier"; default member

    [loan]                           # the loan: keys of LoanTerms.from_dict
    principal = "5000"               #   (principal, rate, rate_type, installments, disbursed, …)
    rate = "35%"
    rate_type = "tea"
    installments = 12
    disbursed = "2026-01-15"
    row = 3                          # the cronograma row to practise (default: drawn from the seed)

    [milk]                           # one fortnight's deliveries and settlement
    litres = "1240"
    price = "1.30"
    installment = "300"              # deducted for the loan (default: the loan's installment)
    service_per_litre = "0.055"      # optional: with it, the settlement's net
    savings = "20"                   # optional, default 0

    [budget]                         # a month
    income = "2400"
    costs = "1500"

    [savings]
    goal = "1500"
    monthly = "100"

>>> m = MemberData.from_toml('id = "M001"\\nname = "Rosa"\\n[milk]\\nlitres = "1240"\\n'
...                          'price = "1.30"\\ninstallment = "300"\\n')
>>> [e.generator for e in worksheet(m, seed=1).exercises]
['milk_gross', 'installment_share']
"""

from __future__ import annotations

import pathlib
import random
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from coopfinance._decimal import exact, to_decimal
from coopfinance._fields import to_table, to_text
from coopfinance._terms import LoanTerms
from coopfinance.errors import E_, CoopFinanceError, InvalidMemberData, clause, fmt_value, joined
from coopfinance.training._exercise import Exercise, _lang
from coopfinance.training._files import Where, dotted, parse_table, read_table
from coopfinance.training._generators import GENERATORS
from coopfinance.training._progress import Role, _to_role

__all__ = ["MemberData", "Worksheet", "worksheet"]

_PATHS: dict[str, tuple[str, str]] = {
    "row": ("loan", "row"),
    "litres": ("milk", "litres"),
    "price": ("milk", "price"),
    "installment": ("milk", "installment"),
    "service_per_litre": ("milk", "service_per_litre"),
    "savings": ("milk", "savings"),
    "income": ("budget", "income"),
    "costs": ("budget", "costs"),
    "goal": ("savings", "goal"),
    "monthly": ("savings", "monthly"),
}
"""Each figure of :class:`MemberData` and its key path in the input file."""

_POSITIVE = frozenset({"litres", "price", "income", "goal", "monthly"})
_TOGETHER = (("litres", "price"), ("income", "costs"), ("goal", "monthly"))
_NEEDS = {"installment": "litres", "service_per_litre": "litres", "savings": "litres"}


def _opt_decimal(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else to_decimal(value, field="value")


def _exercises(value: Iterable[Exercise]) -> tuple[Exercise, ...]:
    return tuple(value)


def _id(value: str) -> str:
    return to_text(value, field="id", error=InvalidMemberData)


def _name(value: str) -> str:
    return to_text(value, field="name", error=InvalidMemberData)


@attrs.frozen(slots=True, kw_only=True)
class MemberData:
    """One member's own figures. Every figure is optional; pairs go together (litres and price,
    income and costs, goal and monthly). Amounts are soles, litres are litres; floats are refused.
    """

    id: str = attrs.field(converter=_id)
    name: str = attrs.field(converter=_name)
    role: Role = attrs.field(default=Role.MEMBER, converter=_to_role)
    loan: LoanTerms | None = None
    row: int | None = None
    litres: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    price: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    installment: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    service_per_litre: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    savings: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    income: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    costs: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    goal: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    monthly: Decimal | None = attrs.field(default=None, converter=_opt_decimal)

    @exact
    def __attrs_post_init__(self) -> None:
        for name, path in _PATHS.items():
            value = getattr(self, name)
            if name == "row" or value is None:
                continue
            low = E_("positive") if name in _POSITIVE else E_("zero or more")
            if value < 0 or (name in _POSITIVE and value == 0):
                raise InvalidMemberData(
                    E_(
                        "%(dotted_path)s must be %(low)s (got %(value)s).",
                        dotted_path=repr(dotted(path)),
                        low=low,
                        value=value,
                    ),
                    field=dotted(path),
                    value=value,
                )
        for a, b in _TOGETHER:
            if (getattr(self, a) is None) != (getattr(self, b) is None):
                given, missing = (a, b) if getattr(self, a) is not None else (b, a)
                raise InvalidMemberData(
                    E_(
                        "%(dotted__paths)s is needed with %(dotted__paths2)s (got "
                        "%(dotted__paths3)s = %(getattr_self)s alone).",
                        dotted__paths=repr(dotted(_PATHS[missing])),
                        dotted__paths2=repr(dotted(_PATHS[given])),
                        dotted__paths3=dotted(_PATHS[given]),
                        getattr_self=getattr(self, given),
                    ),
                    field=dotted(_PATHS[missing]),
                    value=None,
                )
        for name, needed in _NEEDS.items():
            if getattr(self, name) is not None and getattr(self, needed) is None:
                raise InvalidMemberData(
                    E_(
                        "%(dotted__paths)s needs 'milk.litres' and 'milk.price' (got "
                        "%(dotted__paths2)s = %(getattr_self)s without them).",
                        dotted__paths=repr(dotted(_PATHS[name])),
                        dotted__paths2=dotted(_PATHS[name]),
                        getattr_self=getattr(self, name),
                    ),
                    field=dotted(_PATHS[name]),
                    value=getattr(self, name),
                )
        if self.row is not None:
            if self.loan is None:
                raise InvalidMemberData(
                    E_(
                        "'loan.row' needs the loan's terms (got row = %(row)s alone).", row=self.row
                    ),
                    field="loan.row",
                    value=self.row,
                )
            rows = _interest_rows(self.loan)
            if self.row not in rows:
                shown = ", ".join(map(str, rows))
                raise InvalidMemberData(
                    E_(
                        "'loan.row' must be an installment that pays interest: %(shown)s (got "
                        "%(row)s).",
                        shown=shown,
                        row=self.row,
                    ),
                    field="loan.row",
                    value=self.row,
                )

    @property
    def loan_installment(self) -> Decimal | None:
        """The installment deducted from the milk: ``installment`` if given, else the loan's."""
        if self.installment is not None:
            return self.installment
        if self.loan is not None:
            return self.loan.schedule().installment_amount
        return None

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> MemberData:
        """A member's figures from plain data (parsed TOML or JSON; see the module docstring).
        Errors name the key path and ``source``."""
        data = to_table(data, field=source or "member", error=InvalidMemberData)
        return _parse(data, Where(source))

    @classmethod
    def from_toml(cls, text: str, *, source: str | None = None) -> MemberData:
        """A member's figures from TOML text (``source`` names the file in errors, with the line).

        >>> MemberData.from_toml('id = "M001"\\nname = "Rosa"\\n[milk]\\nlitres = -3\\nprice = 1.3\\n',
        ...                      source="member.toml")
        Traceback (most recent call last):
        ...
        coopfinance.errors.InvalidMemberData: 'milk.litres' must be positive (got -3) on line 4 of
        member.toml.
        """
        return _parse(*_table(text, "toml", source))

    @classmethod
    def from_json(cls, text: str, *, source: str | None = None) -> MemberData:
        """A member's figures from JSON text."""
        return _parse(*_table(text, "json", source))

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> MemberData:
        """A member's figures from a ``.toml`` or ``.json`` file."""
        return _parse(*read_table(path, field="data", error=InvalidMemberData))


def _table(text: str, fmt: str, source: str | None) -> tuple[dict[str, Any], Where]:
    return parse_table(text, fmt=fmt, field="data", source=source, error=InvalidMemberData)


_SECTIONS = {
    "loan": None,  # LoanTerms keys, plus row
    "milk": ("litres", "price", "installment", "service_per_litre", "savings"),
    "budget": ("income", "costs"),
    "savings": ("goal", "monthly"),
}
_TOP = ("id", "name", "role", *_SECTIONS)


def _parse(data: Mapping[str, Any], where: Where) -> MemberData:
    def fail(path: tuple[str | int, ...], message: str) -> InvalidMemberData:
        return InvalidMemberData(
            joined("", [message, where(path), "."]),
            field=dotted(path),
            value=None,
        )

    for key in data:
        if key not in _TOP:
            raise fail(
                (key,),
                E_(
                    "%(key)s is not a member key; use %(top)s (got it)",
                    key=repr(key),
                    top=", ".join(_TOP),
                ),
            )
    for key in ("id", "name"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(
                (key,),
                E_(
                    "%(key)s is required, as text (got %(value)s)",
                    key=repr(key),
                    value=fmt_value(value),
                ),
            )
    kwargs: dict[str, Any] = {"id": data["id"], "name": data["name"]}
    if "role" in data:
        kwargs["role"] = data["role"]
    for section, keys in _SECTIONS.items():
        table = data.get(section)
        if table is None:
            continue
        if not isinstance(table, Mapping):
            raise fail(
                (section,),
                E_(
                    "%(section)s must be a table (got %(table)s)",
                    section=repr(section),
                    table=fmt_value(table),
                ),
            )
        if keys is None:
            terms = {k: v for k, v in table.items() if k != "row"}
            if "row" in table:
                row = table["row"]
                if not isinstance(row, int) or isinstance(row, bool):
                    raise fail(
                        ("loan", "row"),
                        E_("'loan.row' must be a whole number (got %(row)s)", row=fmt_value(row)),
                    )
                kwargs["row"] = row
            try:
                kwargs["loan"] = LoanTerms.from_dict(terms)
            except CoopFinanceError as exc:
                path = ("loan", exc.field) if exc.field else ("loan",)
                raise InvalidMemberData(
                    E_(
                        "%(message)s, in %(path)s%(where)s.",
                        message=clause(exc.message),
                        path=repr(dotted(path)),
                        where=where(path),
                    ),
                    field=dotted(path),
                    value=exc.value,
                ) from None
            continue
        for key in table:
            if key not in keys:
                raise fail(
                    (section, key),
                    E_(
                        "'%(section)s.%(key)s' is not a key of [%(section)s]; use %(keys)s",
                        section=section,
                        key=key,
                        keys=", ".join(keys),
                    ),
                )
        for key in keys:
            if key in table:
                value = table[key]
                try:
                    kwargs[key] = to_decimal(
                        value.strip() if isinstance(value, str) else value, field=key
                    )
                except CoopFinanceError:
                    raise fail(
                        (section, key),
                        E_(
                            "'%(section)s.%(key)s' must be a number such as '1240.50' (got "
                            "%(value)s)",
                            section=section,
                            key=key,
                            value=fmt_value(value),
                        ),
                    ) from None
    try:
        return MemberData(**kwargs)
    except InvalidMemberData as exc:
        at: tuple[str, ...] = tuple(exc.field.split(".")) if exc.field else ()
        raise InvalidMemberData(
            joined("", [clause(exc.message), where(at), "."]),
            field=exc.field,
            value=exc.value,
        ) from None


def _interest_rows(terms: LoanTerms) -> list[int]:
    return [
        r.number
        for r in terms.schedule()
        if r.number >= 1 and r.capitalized == 0 and r.interest > 0
    ]


@attrs.frozen(slots=True, kw_only=True)
class Worksheet:
    """A member's personal worksheet: exercises from their own figures, for one seed."""

    member: MemberData
    seed: int
    row: int | None
    """The cronograma row the loan exercises ask about (``None`` without a loan)."""
    exercises: tuple[Exercise, ...] = attrs.field(converter=_exercises)

    def to_data(self, lang: str, *, key: bool = False) -> dict[str, Any]:
        """Plain values for the document: the member, and each exercise's question and choices;
        with ``key`` also the answer, the worked solution and the mistake behind each distractor
        (the trainer's answer key). Without ``key`` no answer appears anywhere."""
        lang = _lang(lang)
        items = []
        for n, e in enumerate(self.exercises, start=1):
            item = e.to_data(lang)
            item["number"] = n
            if not key:
                for name in ("steps", "answer", "answer_value", "tolerance"):
                    item.pop(name)
                for c in item["choices"]:
                    c.pop("correct")
                    c.pop("mistake")
                if len(item["choices"]) < 2:  # a lone choice would be the answer
                    item["choices"] = []
            items.append(item)
        return {
            "member": self.member.id,
            "name": self.member.name,
            "role": self.member.role.value,
            "seed": self.seed,
            "key": key,
            "exercises": items,
        }


@exact
def worksheet(member: MemberData, *, seed: int) -> Worksheet:
    """The exercises of ``member``'s worksheet, in teaching order: budget (repayment capacity),
    savings (months to the goal), loan (interest and principal of one cronograma row), milk
    (gross, the installment's share, the settlement's net). ``seed`` picks the cronograma row when
    the member gives none and orders the multiple choices; every number is the member's own.

    >>> from coopfinance import LoanTerms, Rate
    >>> m = MemberData(id="M001", name="Rosa", row=2, loan=LoanTerms(
    ...     principal="5000", rate=Rate.effective_annual("35%"), installments=6,
    ...     disbursed="2026-01-15"))
    >>> w = worksheet(m, seed=1)
    >>> [e.generator for e in w.exercises], w.exercises[0].answer
    (['cronograma_interest', 'cronograma_principal'], Decimal('99.70'))
    >>> row = m.loan.schedule()[1]    # rows count from 0 when there is no down payment
    >>> row.number, row.interest
    (2, Decimal('99.70'))
    """
    if not isinstance(member, MemberData):
        raise InvalidMemberData(
            E_("'member' must be a MemberData (got %(type)s).", type=type(member).__name__),
            field="member",
            value=member,
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidMemberData(
            E_("'seed' must be a whole number (got %(seed)s).", seed=fmt_value(seed)),
            field="seed",
            value=seed,
        )
    plan: list[tuple[str, dict[str, Any]]] = []
    m = member
    if m.income is not None:
        plan.append(("repayment_capacity", {"income": m.income, "costs": m.costs}))
    if m.goal is not None:
        plan.append(("savings_months", {"goal": m.goal, "monthly": m.monthly}))
    row = None
    if m.loan is not None:
        rows = _interest_rows(m.loan)
        if not rows:
            raise InvalidMemberData(
                E_("'loan' gives no installment with interest to ask about."),
                field="loan",
                value=None,
            )
        row = m.row if m.row is not None else random.Random(f"{seed}:{m.id}:row").choice(rows)
        plan.append(("cronograma_interest", {"terms": m.loan, "row": row}))
        plan.append(("cronograma_principal", {"terms": m.loan, "row": row}))
    if m.litres is not None:
        plan.append(("milk_gross", {"litres": m.litres, "price": m.price}))
        installment = m.loan_installment
        if installment is not None and installment > 0:
            plan.append(
                (
                    "installment_share",
                    {"litres": m.litres, "price": m.price, "installment": installment},
                )
            )
        if m.service_per_litre is not None:
            plan.append(
                (
                    "settlement_net",
                    {
                        "litres": m.litres,
                        "price": m.price,
                        "service_per_litre": m.service_per_litre,
                        "installment": installment or Decimal(0),
                        "savings": m.savings or Decimal(0),
                    },
                )
            )
    exercises: list[Exercise] = []
    for k, (name, values) in enumerate(plan):
        rng = random.Random(f"{seed}:{m.id}:{k}:{name}")
        exercises.append(GENERATORS[name][1](rng, **values))
    return Worksheet(member=m, seed=seed, row=row, exercises=exercises)
