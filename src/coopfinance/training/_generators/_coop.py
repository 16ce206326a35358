"""The co-op: a member's patronage return from the surplus."""

from __future__ import annotations

import decimal
from decimal import Decimal

from coopfinance._decimal import CONTEXT, to_decimal
from coopfinance.errors import InvalidValue
from coopfinance.training._exercise import Exercise, Mistake, Op, Topic, Unit
from coopfinance.training._generators._kit import (
    _CENT,
    Amount,
    RandomSource,
    _amount,
    _Draw,
    _exercise,
    _lit,
    _m,
    _nonneg,
    _pct,
    _positive,
    _q,
    _Work,
)


def patronage_return(
    rng: RandomSource = None,
    *,
    surplus: Amount | None = None,
    reserve: Amount = "20%",
    education: Amount = "10%",
    member_litres: Amount | None = None,
    members_litres: Amount | None = None,
    supplier_litres: Amount | None = None,
) -> Exercise:
    """A member's patronage return (retorno) from the year's surplus (remanente):
    ``surplus × (1 − reserve − education) × member litres / all members' litres``.

    Non-member suppliers' litres stay out of the base (reference §5, LGC art. 42). Distractors: the
    reserve and fund forgotten, suppliers' litres counted.
    """
    d = _Draw(rng, "patronage_return")
    s = _positive(
        _amount(surplus, "surplus", lambda: d.decimal("10000", "80000", "1000", field="surplus")),
        "surplus",
    )
    rv = _nonneg(to_decimal(reserve, field="reserve"), "reserve")
    ed = _nonneg(to_decimal(education, field="education"), "education")
    if rv + ed >= 1:
        raise InvalidValue(
            f"'reserve' + 'education' must be below 100 % (got {rv + ed}).",
            field="reserve",
            value=rv,
        )
    ml = _positive(
        _amount(
            member_litres,
            "member_litres",
            lambda: d.decimal("5000", "30000", "100", field="member_litres"),
        ),
        "member_litres",
    )
    al = _positive(
        _amount(
            members_litres, "members_litres", lambda: ml * d.integer(20, 50, field="members_litres")
        ),
        "members_litres",
    )
    if ml > al:
        raise InvalidValue(
            f"'member_litres' must not exceed 'members_litres' {al} (got {ml}).",
            field="member_litres",
            value=ml,
        )
    sl = _nonneg(
        _amount(
            supplier_litres,
            "supplier_litres",
            lambda: d.decimal("100000", "400000", "1000", field="supplier_litres"),
        ),
        "supplier_litres",
    )
    with decimal.localcontext(CONTEXT):
        shared = s * (1 - rv - ed)
        answer = _q(shared * ml / al, 2)
        forgot = _q(s * ml / al, 2)
        counted = _q(shared * ml / (al + sl), 2)
    w = _Work()
    s_s = w.given(s, (Unit.SOLES, 2), "Remanente del año", "Surplus for the year")
    s_k = w.calc(
        Op.SUB,
        (Decimal(1), rv, ed),
        (Unit.NUMBER, 2),
        f"Parte a repartir: 1 − reserva {_pct(rv, 0)} − educación {_pct(ed, 0)}",
        f"Share to distribute: 1 − reserve {_pct(rv, 0)} − education {_pct(ed, 0)}",
    )
    s_d = w.calc(
        Op.MUL, (s_s, s_k), (Unit.SOLES, 2), "A repartir entre socios", "To share among members"
    )
    s_m = w.given(ml, (Unit.LITRES, 0), "Sus litros", "Your litres")
    s_a = w.given(al, (Unit.LITRES, 0), "Litros de todos los socios", "All members' litres")
    s_r = w.calc(
        Op.DIV,
        (s_m, s_a),
        (Unit.NUMBER, 6),
        "Su parte: sus litros ÷ litros de socios",
        "Your part: your litres ÷ members' litres",
    )
    s_x = w.calc(
        Op.MUL, (s_d, s_r), (Unit.SOLES, 4), "A repartir × su parte", "To share × your part"
    )
    w.calc(Op.ROUND, (s_x, Decimal(_CENT)), (Unit.SOLES, 2), "Su retorno", "Your return")
    return _exercise(
        "patronage_return",
        Topic.COOP,
        d,
        question={
            "es": f"La cooperativa tuvo un remanente de {_m(s)}. Va {_pct(rv, 0)} a la reserva y "
            f"{_pct(ed, 0)} al fondo de educación. El resto se reparte por litros entre los socios. "
            f"Usted entregó {_lit(ml)}; todos los socios, {_lit(al)}; los proveedores no socios, "
            f"{_lit(sl)}. ¿Cuánto es su retorno?",
            "en": f"The co-op had a surplus of {_m(s)}. {_pct(rv, 0)} goes to the reserve and "
            f"{_pct(ed, 0)} to the education fund. The rest is shared by litres among members. "
            f"You delivered {_lit(ml)}; all members, {_lit(al)}; non-member suppliers, "
            f"{_lit(sl)}. What is your return?",
        },
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[(Mistake.FORGOT_RESERVE, forgot), (Mistake.COUNTED_SUPPLIERS, counted)],
        data={
            "surplus": s,
            "reserve": rv,
            "education": ed,
            "member_litres": ml,
            "members_litres": al,
            "supplier_litres": sl,
        },
    )
