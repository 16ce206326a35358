"""The co-op: a member's patronage return from the surplus."""

from __future__ import annotations

import decimal
from decimal import Decimal

from coopfinance._decimal import CONTEXT, exact, to_decimal
from coopfinance.coop import Member, Supplier, SurplusPolicy, distribute_surplus
from coopfinance.errors import E_, InvalidValue
from coopfinance.text import N_
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
    _t,
    _Work,
)

_YOU, _OTHERS, _SUPPLIERS = "you", "other members", "suppliers"


def _patronage(
    surplus: Decimal,
    member_litres: Decimal,
    members_litres: Decimal,
    supplier_litres: Decimal,
    policy: SurplusPolicy,
) -> Decimal:
    """The member's patronage refund as :func:`coopfinance.coop.distribute_surplus` computes it:
    the member, the other members (their litres together) and the non-member suppliers."""
    members = [Member(id=_YOU)]
    litres = {_YOU: member_litres}
    if members_litres > member_litres:
        members.append(Member(id=_OTHERS))
        litres[_OTHERS] = members_litres - member_litres
    suppliers = []
    if supplier_litres:
        suppliers.append(Supplier(id=_SUPPLIERS))
        litres[_SUPPLIERS] = supplier_litres
    result = distribute_surplus(surplus, members, litres, policy, suppliers=suppliers)
    return dict(result.patronage)[_YOU]


@exact
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
    ``(surplus − ⌈surplus × reserve⌉ − round(surplus × education)) × member litres / all members'
    litres``, to the céntimo.

    Non-member suppliers' litres stay out of the base (reference §5, LGC art. 42); the reserve is at
    least 20 %. Library: :func:`coopfinance.coop.distribute_surplus`. Distractors: the reserve and
    fund forgotten, suppliers' litres counted.
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
            E_("'reserve' + 'education' must be below 100 %% (got %(rv_ed)s).", rv_ed=rv + ed),
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
            E_(
                "'member_litres' must not exceed 'members_litres' %(al)s (got %(ml)s).",
                al=al,
                ml=ml,
            ),
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
    policy = SurplusPolicy(reserve_share=rv, education_share=ed)
    answer = _patronage(s, ml, al, sl, policy)
    counted = _patronage(s, ml, al + sl, Decimal(0), policy)
    with decimal.localcontext(CONTEXT):
        forgot = _q(s * ml / al, 2)
    w = _Work()
    s_s = w.given(s, (Unit.SOLES, 2), _t(N_("Surplus for the year")))
    s_rx = w.calc(
        Op.MUL,
        (s_s, rv),
        (Unit.SOLES, 4),
        _t(N_("Reserve: surplus × %(rv)s"), rv=_pct(rv, 0)),
    )
    s_rv = w.calc(
        Op.CEIL,
        (s_rx, Decimal(_CENT)),
        (Unit.SOLES, 2),
        _t(N_("Reserve, rounded up to the cent")),
    )
    s_ex = w.calc(
        Op.MUL,
        (s_s, ed),
        (Unit.SOLES, 4),
        _t(N_("Education fund: surplus × %(ed)s"), ed=_pct(ed, 0)),
    )
    s_ed = w.calc(
        Op.ROUND,
        (s_ex, Decimal(_CENT)),
        (Unit.SOLES, 2),
        _t(N_("Education fund, to the cent")),
    )
    s_d = w.calc(
        Op.SUB,
        (s_s, s_rv, s_ed),
        (Unit.SOLES, 2),
        _t(N_("To share among members: surplus − reserve − education")),
    )
    s_m = w.given(ml, (Unit.LITRES, 0), _t(N_("Your litres")))
    s_a = w.given(al, (Unit.LITRES, 0), _t(N_("All members' litres")))
    s_r = w.calc(
        Op.DIV,
        (s_m, s_a),
        (Unit.NUMBER, 6),
        _t(N_("Your part: your litres ÷ members' litres")),
    )
    s_x = w.calc(Op.MUL, (s_d, s_r), (Unit.SOLES, 4), _t(N_("To share × your part")))
    w.calc(Op.ROUND, (s_x, Decimal(_CENT)), (Unit.SOLES, 2), _t(N_("Your return")))
    return _exercise(
        "patronage_return",
        Topic.COOP,
        d,
        question=_t(
            N_(
                "The co-op had a surplus of %(s)s. %(rv)s goes to the reserve and "
                "%(ed)s to the education fund. The rest is shared by litres among "
                "members. You delivered %(ml)s; all members, %(al)s; non-member "
                "suppliers, %(sl)s. What is your return?"
            ),
            s=_m(s),
            rv=_pct(rv, 0),
            ed=_pct(ed, 0),
            ml=_lit(ml),
            al=_lit(al),
            sl=_lit(sl),
        ),
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
