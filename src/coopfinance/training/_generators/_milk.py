"""Milk: the fortnight's gross, the installment's share of it, the settlement's net."""

from __future__ import annotations

import decimal
from decimal import Decimal

from coopfinance._decimal import CONTEXT, exact
from coopfinance.dairy import (
    Delivery,
    FarmerSettlement,
    MilkPriceSchedule,
    Obligation,
    ObligationKind,
    Period,
    SettlementPolicy,
    settle,
)
from coopfinance.errors import E_, InvalidValue
from coopfinance.text import N_
from coopfinance.training._exercise import Exercise, Mistake, Op, Topic, Unit
from coopfinance.training._generators._kit import (
    _CENT,
    _HUNDRED,
    Amount,
    RandomSource,
    _amount,
    _Draw,
    _exercise,
    _lit,
    _m,
    _nonneg,
    _per_litre,
    _places,
    _positive,
    _q,
    _t,
    _Work,
)


def _milk_inputs(d: _Draw, litres: Amount | None, price: Amount | None) -> tuple[Decimal, Decimal]:
    lt = _positive(
        _amount(litres, "litres", lambda: d.decimal("300", "2000", "10", field="litres")), "litres"
    )
    pr = _positive(
        _amount(price, "price", lambda: d.decimal("0.95", "1.75", "0.01", field="price")), "price"
    )
    return lt, pr


def _gross_steps(w: _Work, litres: Decimal, price: Decimal) -> int:
    s_l = w.given(litres, (Unit.LITRES, _places(litres, 0)), _t(N_("Litres delivered")))
    s_p = w.given(price, (Unit.SOLES, _places(price, 2)), _t(N_("Price per litre")))
    s_g = w.calc(Op.MUL, (s_l, s_p), (Unit.SOLES, 4), _t(N_("Litres × price")))
    return w.calc(
        Op.ROUND,
        (s_g, Decimal(_CENT)),
        (Unit.SOLES, 2),
        _t(N_("Gross for the fortnight")),
    )


_FORTNIGHT = Period.parse("2026-01-01..2026-01-15")
_MEMBER = "member"


def _settle(
    litres: Decimal,
    price: Decimal,
    *,
    service_per_litre: Decimal = Decimal(0),
    installment: Decimal = Decimal(0),
    savings: Decimal = Decimal(0),
) -> FarmerSettlement:
    """The member's fortnight settled by :func:`coopfinance.dairy.settle`: one delivery of
    ``litres`` at ``price``, the service charge per litre, the installment and the savings deducted
    (no caps, no floor: the exercise asks what is left after all of them)."""
    prices = MilkPriceSchedule.flat(
        price,
        _FORTNIGHT.start,
        _FORTNIGHT.end,
        service_charges={"service": service_per_litre} if service_per_litre else {},
    )
    milk = [Delivery(farmer=_MEMBER, date=_FORTNIGHT.end, litres=litres)]
    dues = []
    if installment:
        dues.append(
            Obligation(farmer=_MEMBER, kind="loan-installment", amount=installment, loan_id="loan")
        )
    if savings:
        dues.append(Obligation(farmer=_MEMBER, kind="voluntary-savings", amount=savings))
    policy = SettlementPolicy(caps=())
    statement = settle(milk, prices, _FORTNIGHT, dues, policy).statement(_MEMBER)
    if statement.arrears:
        raise InvalidValue(
            E_(
                "'installment' and 'savings' must fit in the gross %(gross)s after the "
                "service charge (got %(installment)s and %(savings)s).",
                gross=statement.gross,
                installment=installment,
                savings=savings,
            ),
            field="installment",
            value=installment,
        )
    return statement


def _gross(litres: Decimal, price: Decimal) -> Decimal:
    """The gross milk value of the fortnight, as the settlement engine computes it."""
    return _settle(litres, price).gross


@exact
def milk_gross(
    rng: RandomSource = None, *, litres: Amount | None = None, price: Amount | None = None
) -> Exercise:
    """The gross value of a fortnight's milk: ``litres × price``, to the céntimo.

    Library: :func:`coopfinance.dairy.settle` (the statement's ``gross``)."""
    d = _Draw(rng, "milk_gross")
    lt, pr = _milk_inputs(d, litres, price)
    w = _Work()
    _gross_steps(w, lt, pr)
    return _exercise(
        "milk_gross",
        Topic.MILK,
        d,
        question=_t(
            N_(
                "This fortnight you delivered %(lt)s of milk at %(pr)s a litre. What is your gross?"
            ),
            lt=_lit(lt),
            pr=_per_litre(pr),
        ),
        work=w,
        answer=_gross(lt, pr),
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[],
        data={"litres": lt, "price": pr},
    )


@exact
def installment_share(
    rng: RandomSource = None,
    *,
    litres: Amount | None = None,
    price: Amount | None = None,
    installment: Amount | None = None,
) -> Exercise:
    """The share of the fortnight's gross milk value that the loan installment takes, in %.

    ``share = installment / (litres × price) × 100``; the rule of thumb is at most 30 %.
    Distractor: installment / (gross − installment).
    """
    d = _Draw(rng, "installment_share")
    lt, pr = _milk_inputs(d, litres, price)
    gross = _gross(lt, pr)
    top = int(gross * Decimal("0.45") / 5)
    inst = _positive(
        _amount(
            installment,
            "installment",
            lambda: Decimal(5 * d.integer(4, max(top, 5), field="installment")),
        ),
        "installment",
    )
    w = _Work()
    s_g = _gross_steps(w, lt, pr)
    s_c = w.given(inst, (Unit.SOLES, 2), _t(N_("Loan installment")))
    s_r = w.calc(Op.DIV, (s_c, s_g), (Unit.NUMBER, 6), _t(N_("Installment ÷ gross")))
    s_x = w.calc(Op.MUL, (s_r, _HUNDRED), (Unit.PERCENT, 4), _t(N_("× 100")))
    w.calc(
        Op.ROUND,
        (s_x, Decimal(2)),
        (Unit.PERCENT, 2),
        _t(N_("Share of the installment (the rule: no more than 30 %%)")),
    )
    with decimal.localcontext(CONTEXT):
        answer = _q(inst / gross * _HUNDRED, 2)
        net = gross - inst
        of_net = _q(inst / net * _HUNDRED, 2) if net > 0 else None
    return _exercise(
        "installment_share",
        Topic.MILK,
        d,
        question=_t(
            N_(
                "This fortnight you delivered %(lt)s at %(pr)s a litre. Your "
                "installment is %(inst)s. What share (%%) of your gross does it take?"
            ),
            lt=_lit(lt),
            pr=_per_litre(pr),
            inst=_m(inst),
        ),
        work=w,
        answer=answer,
        unit=Unit.PERCENT,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[] if of_net is None else [(Mistake.SHARE_OF_NET, of_net)],
        data={"litres": lt, "price": pr, "installment": inst},
    )


@exact
def settlement_net(
    rng: RandomSource = None,
    *,
    litres: Amount | None = None,
    price: Amount | None = None,
    service_per_litre: Amount | None = None,
    installment: Amount | None = None,
    savings: Amount | None = None,
) -> Exercise:
    """What the member takes home from a fortnight's settlement (liquidación):
    ``gross − litres × service charge − installment − savings``.

    Library: :func:`coopfinance.dairy.settle` (the statement's ``net``; no caps, and deductions that
    do not fit in the gross are refused). Distractors: the service charge forgotten, the service
    charge taken once.
    """
    d = _Draw(rng, "settlement_net")
    lt, pr = _milk_inputs(d, litres, price)
    gross = _gross(lt, pr)
    svc = _nonneg(
        _amount(
            service_per_litre,
            "service_per_litre",
            lambda: d.decimal("0.03", "0.15", "0.01", field="service_per_litre"),
        ),
        "service_per_litre",
    )
    top = int(gross * Decimal("0.30") / 5)
    inst = _nonneg(
        _amount(
            installment,
            "installment",
            lambda: Decimal(5 * d.integer(2, max(top, 2), field="installment")),
        ),
        "installment",
    )
    sav = _nonneg(
        _amount(savings, "savings", lambda: d.decimal("10", "50", "5", field="savings")), "savings"
    )
    statement = _settle(lt, pr, service_per_litre=svc, installment=inst, savings=sav)
    service = statement.by_kind(ObligationKind.SERVICE_CHARGE)[0]
    answer = statement.net
    w = _Work()
    s_g = _gross_steps(w, lt, pr)
    s_sv = w.given(
        svc,
        (Unit.SOLES, _places(svc, 2)),
        _t(N_("Service charge per litre")),
    )
    s_sx = w.calc(Op.MUL, (0, s_sv), (Unit.SOLES, 4), _t(N_("Litres × charge per litre")))
    s_s = w.calc(Op.ROUND, (s_sx, Decimal(_CENT)), (Unit.SOLES, 2), _t(N_("Service charge")))
    s_c = w.given(inst, (Unit.SOLES, 2), _t(N_("Loan installment")))
    s_a = w.given(sav, (Unit.SOLES, 2), _t(N_("Savings")))
    w.calc(
        Op.SUB,
        (s_g, s_s, s_c, s_a),
        (Unit.SOLES, 2),
        _t(N_("Net: gross − service − installment − savings")),
    )
    return _exercise(
        "settlement_net",
        Topic.MILK,
        d,
        question=_t(
            N_(
                "Your settlement: %(lt)s at %(pr)s a litre. The co-op charges %(svc)s a "
                "litre for services, takes the installment of %(inst)s and your savings "
                "of %(sav)s. How much do you take home?"
            ),
            lt=_lit(lt),
            pr=_per_litre(pr),
            svc=_per_litre(svc),
            inst=_m(inst),
            sav=_m(sav),
        ),
        work=w,
        answer=answer,
        unit=Unit.SOLES,
        places=2,
        tolerance=Decimal("0.01"),
        distractors=[
            (Mistake.FORGOT_SERVICE_CHARGE, answer + service),
            (Mistake.SERVICE_CHARGE_ONCE, answer + service - svc),
        ],
        data={
            "litres": lt,
            "price": pr,
            "service_per_litre": svc,
            "installment": inst,
            "savings": sav,
        },
    )
