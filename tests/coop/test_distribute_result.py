"""The year's result with its part from operations with non-members (LGC art. 66 num. 1 separates
them; retornos go to members by their operations, art. 42 num. 2): the third-party result goes to
the reserve by default, and every part sums to the result to the céntimo."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopfinance.coop import (
    Member,
    SurplusPolicy,
    ThirdPartyResult,
    allocate,
    distribute_result,
)
from coopfinance.errors import InvalidSurplusDistribution

cents = st.decimals("0.01", "500000", places=2)


@given(cents, st.decimals("-100000", "600000", places=2), st.sampled_from(list(ThirdPartyResult)))
def test_the_parts_sum_to_the_result(
    result: Decimal, third: Decimal, where: ThirdPartyResult
) -> None:
    members = [Member(id="S01", contributions="1000"), Member(id="S02", contributions="250")]
    policy = SurplusPolicy(
        contribution_interest_rate="0.05", contribution_interest_cap="0.08", third_party=where
    )
    d = distribute_result(result, third, members, {"S01": "100", "S02": "300"}, policy)
    assert d.total == result == d.surplus
    kept = min(max(third, Decimal(0)), result)
    by_capital = sum((v for _, v in d.capital), Decimal(0))
    assert d.third_party_reserve == (kept if where is ThirdPartyResult.RESERVE else 0)
    assert by_capital == (kept if where is ThirdPartyResult.CAPITAL else 0)
    if where is ThirdPartyResult.CAPITAL and kept:  # by contributions 1000 : 250, to the céntimo
        assert abs(dict(d.capital)["S01"] - kept * 4 / 5) < Decimal("0.01")
    # art. 42: at least 20 % of what is distributed under it
    assert d.reserve * 5 >= result - d.third_party_reserve - by_capital


def test_a_worked_example() -> None:
    # result S/ 10,000.00, of which S/ 2,000.00 from non-members' milk: reserve takes the 2,000;
    # of the 8,000 left: 20 % reserve 1,600, education 10 % 800, interest 5 % on 4,000 = 200,
    # retornos 5,400 split 2:1 by litres: 3,600 and 1,800.
    members = [Member(id="S01", contributions="1000"), Member(id="S02", contributions="3000")]
    policy = SurplusPolicy(contribution_interest_rate="0.05", contribution_interest_cap="0.06")
    d = distribute_result("10000.00", "2000.00", members, {"S01": "200", "S02": "100"}, policy)
    assert (d.third_party_reserve, d.reserve, d.education) == (
        Decimal("2000.00"),
        Decimal("1600.00"),
        Decimal("800.00"),
    )
    assert dict(d.interest) == {"S01": Decimal("50.00"), "S02": Decimal("150.00")}
    assert dict(d.patronage) == {"S01": Decimal("3600.00"), "S02": Decimal("1800.00")}
    same = distribute_result(
        "10000.00", "2000.00", members, {"S01": "200", "S02": "100"},
        SurplusPolicy(contribution_interest_rate="0.05", contribution_interest_cap="0.06",
                      third_party="distribute"),
    )  # fmt: skip
    assert same.third_party_reserve == 0
    assert same.reserve == Decimal("2000.00")


def test_bad_values_name_the_field() -> None:
    with pytest.raises(InvalidSurplusDistribution, match="third_party"):
        SurplusPolicy(third_party="shareholders")
    with pytest.raises(InvalidSurplusDistribution, match="third_party"):
        distribute_result("100.00", "abc", [Member(id="S01")], {"S01": "1"})
    with pytest.raises(InvalidSurplusDistribution, match="must not exceed the statute's cap"):
        SurplusPolicy(contribution_interest_rate="0.10", contribution_interest_cap="0.08")


def test_a_published_patronage_refund_example() -> None:
    """A public example with one member's refund worked out (docs/accounts.md, "Worked
    example"): Whole Foods Co-op, "FAQ's for Member-Owners", "Example
    patronage calculation for member-owner Suzy Sunshine", http://wholefoodscoop.org/member-benefits-faq
    (read through the page corpus, 2026): co-op sales $5,300,000, 70 % of them to member-owners
    ($3,710,000); the board distributes 50 % of the patronage refund and retains 50 %; Suzy spent
    $50 a week, $2,600 a year; "Suzy's patronage refund $35.04". The copy read lost the row with the
    refund declared; $50,000.00 is the pool the page's figures imply (35.04 ≈ 50,000 × 2,600 /
    3,710,000 = 35.0404…), pinned within a few dollars: a pool of $49,990 would give 35.03 and
    one of $50,010 35.05. The refund in proportion to purchases is :func:`allocate`, as in every
    distribution here."""
    member_sales = Decimal("5300000") * Decimal("0.70")
    assert member_sales == Decimal("3710000.00")
    weights = {"Suzy": Decimal("2600"), "other member-owners": member_sales - 2600}
    cent = Decimal("0.01")
    assert allocate(Decimal("50000.00"), weights, cent)["Suzy"] == Decimal("35.04")
    assert allocate(Decimal("49990.00"), weights, cent)["Suzy"] == Decimal("35.03")
    assert allocate(Decimal("50010.00"), weights, cent)["Suzy"] == Decimal("35.05")
    assert sum(allocate(Decimal("50000.00"), weights, cent).values()) == Decimal("50000.00")


def test_a_published_interest_on_contributions_example() -> None:
    """Interest on members' capital for the part of the year it was held, as a SACCO publishes it
    (Mwalimu National Sacco, "Dividends, Rebates 2022", https://www.citizennewsline.co.ke/mwalimu-sacco-dividends-rebates-2022/):
    deposits of Ksh 100,000 at the start of the year plus Ksh 5,000 deposited each month, rebate
    12 %: 12,000 on the opening balance and 600, 550, …, 50 on January's to December's deposits
    (12 % × 5,000 × 12/12 … 1/12), 3,900; dividend 13 % on Ksh 20,000 of share capital, 2,600;
    total 18,500. The SACCO weighs each deposit by the months it is held; the book weighs by days
    (docs/accounts.md §1: average daily paid-in capital), the same rule at a finer grain. Here the
    SACCO's weighted balance, 100,000 + 5,000 × (12 + 11 + … + 1) / 12 = 132,500, goes through the
    art. 42 interest step at 12 %, and the 13 % dividend on the share capital, a second rate the
    LGC does not have, is computed the same way beside it."""
    weighted = Decimal("100000") + Decimal("5000") * sum(range(1, 13)) / 12
    assert weighted == Decimal("132500")
    policy = SurplusPolicy(contribution_interest_rate="0.12", contribution_interest_cap="0.12")
    d = distribute_result(
        "100000.00", "0", [Member(id="M1", contributions=weighted)], {"M1": "1"}, policy
    )
    rebate = dict(d.interest)["M1"]
    assert rebate == Decimal("15900.00") == Decimal("12000") + Decimal("3900")
    share_capital = SurplusPolicy(contribution_interest_rate="0.13")
    dividend = dict(
        distribute_result(
            "100000.00", "0", [Member(id="M1", contributions="20000")], {"M1": "1"}, share_capital
        ).interest
    )["M1"]
    assert rebate + dividend == Decimal("18500.00")


# LUMUCO Input Supply Co-operative, Q3 (an examination question with its worked solution):
# askfilo.com, "Q3. Using table 1 shown below and Input Supply cooperative net profit of K35,700
# and accumulated commission received (from non-member participation) of K2,000",
# https://askfilo.com/user-question-answers-smart-solutions/q3-using-table-1-shown-below-and-input-supply-cooperative-3337313731313535
# (read through the page corpus, 2026). Table 1, members 1–14:
_LUMUCO_SHARES = (10, 7, 5, 4, 3, 6, 4, 8, 8, 5, 7, 7, 6, 6)
_LUMUCO_UNITS = (30, 12, 25, 17, 12, 15, 19, 10, 0, 5, 10, 25, 10, 10)  # 50 kg bags at K900


def test_a_published_distribution_by_patronage_and_by_shares() -> None:
    """The LUMUCO solution: the net profit K35,700 includes K2,000 of commission from non-members'
    participation; "Profit available for patronage refunds = Net profit – Commission = 35,700 –
    2,000 = K33,700"; "Total units purchased by members = … = 200 units"; "Refund rate per unit =
    33,700 ÷ 200 = K168.50"; "Patronage refund per member = Units purchased × 168.50" (member 1:
    "30×168.50 = 5,055.00", member 2: "12×168.50 = 2,022.00", and so on for the 14 members); the
    commission goes to the members as a dividend "based on shares held" (question (b); the copy
    read breaks off before that part's figures, so the dividends are checked against the rule
    2,000 × shares / 86 here, to the ngwee).

    Through the engine: result 35,700.00 of which 2,000.00 third-party, the statute's
    percentages being none (no reserve or fund in the example: ``minimum_reserve_share`` 0), the
    third-party result to the members by capital (``ThirdPartyResult.CAPITAL``: shares held as
    the contributions) and the rest by patronage (units bought)."""
    ids = [str(n) for n in range(1, 15)]
    members = [Member(id=i, contributions=s) for i, s in zip(ids, _LUMUCO_SHARES, strict=True)]
    units = dict(zip(ids, _LUMUCO_UNITS, strict=True))
    assert sum(_LUMUCO_UNITS) == 200
    assert sum(_LUMUCO_SHARES) == 86
    policy = SurplusPolicy(
        minimum_reserve_share="0", reserve_share="0", education_share="0", third_party="capital"
    )
    d = distribute_result("35700.00", "2000.00", members, units, policy, currency="ZMW")
    assert d.reserve == d.education == d.third_party_reserve == 0
    refunds = dict(d.patronage)
    assert (refunds["1"], refunds["2"]) == (Decimal("5055.00"), Decimal("2022.00"))
    for i in ids:  # "Units purchased × 168.50", exact for every member
        assert refunds[i] == units[i] * Decimal("168.50")
    assert refunds["9"] == 0  # member 9 bought nothing
    assert sum(refunds.values()) == Decimal("33700.00")
    dividends = dict(d.capital)
    assert sum(dividends.values()) == Decimal("2000.00")
    for i, s in zip(ids, _LUMUCO_SHARES, strict=True):
        assert abs(Fraction(dividends[i]) - Fraction(2000 * s, 86)) < Fraction(1, 100)
    assert dividends["1"] == Decimal("232.56")  # 2,000 × 10 / 86 = 232.558…
    assert d.to_member("1") == Decimal("5287.56")
    assert d.total == Decimal("35700.00")


def test_another_laws_percentages() -> None:
    """A statute's split configured, figures derived by hand from the laws' percentages (no
    public example with members' figures was found for these two laws, docs/accounts.md).

    Argentina, Ley 20.337 art. 42: 5 % reserva legal, 5 % fondo de acción asistencial y laboral,
    5 % fondo de educación y capacitación cooperativas, the rest retorno by operations. Excedente
    ARS 10,000.00: 500 + 500 + 500, retornos 8,500 split 3:1, 6,375 and 2,125.
    Colombia, Ley 79 de 1988 art. 54 (as Supersolidaria's memorando 1100-0286 of 2005 reads it):
    20 % reserva de protección de aportes, 20 % fondo de educación, 10 % fondo de solidaridad, the
    rest by the use of services. Excedente COP 10,000.00: 2,000 + 2,000 + 1,000, retornos 5,000
    split 3:1, 3,750 and 1,250."""
    members = [Member(id="A"), Member(id="B")]
    ley_20337 = SurplusPolicy(
        minimum_reserve_share="0.05",
        reserve_share="0.05",
        education_share="0.05",
        funds={"acción asistencial y laboral": "0.05"},
    )
    ar = distribute_result(
        "10000.00", "0", members, {"A": "3", "B": "1"}, ley_20337, currency="ARS"
    )
    assert (ar.reserve, ar.education, dict(ar.funds)["acción asistencial y laboral"]) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("500.00"),
    )
    assert dict(ar.patronage) == {"A": Decimal("6375.00"), "B": Decimal("2125.00")}
    ley_79 = SurplusPolicy(
        reserve_share="0.20", education_share="0.20", funds={"solidaridad": "0.10"}
    )
    co = distribute_result("10000.00", "0", members, {"A": "3", "B": "1"}, ley_79, currency="COP")
    assert (co.reserve, co.education, dict(co.funds)["solidaridad"]) == (
        Decimal("2000.00"),
        Decimal("2000.00"),
        Decimal("1000.00"),
    )
    assert dict(co.patronage) == {"A": Decimal("3750.00"), "B": Decimal("1250.00")}


def test_the_laws_floor_is_kept() -> None:
    with pytest.raises(InvalidSurplusDistribution, match=r"at least 0.20 \(LGC art. 42\)"):
        SurplusPolicy(reserve_share="0.05")  # the LGC's floor unless another law's is set
    with pytest.raises(InvalidSurplusDistribution, match="'minimum_reserve_share'"):
        SurplusPolicy(minimum_reserve_share="0.05", reserve_share="0.04")
    with pytest.raises(InvalidSurplusDistribution, match="'minimum_reserve_share' must be at most"):
        SurplusPolicy(minimum_reserve_share="1.5")
    with pytest.raises(InvalidSurplusDistribution, match="nobody to go to"):
        distribute_result(
            "100.00",
            "50.00",
            [Member(id="S01")],
            {"S01": "1"},
            SurplusPolicy(third_party="capital"),
        )


@given(
    cents,
    st.decimals("0", "1", places=2),
    st.decimals("0", "1", places=2),
    st.decimals("0", "0.5", places=2),
)
def test_any_floor_the_reserve_is_at_least_its_share(
    surplus: Decimal, floor: Decimal, extra: Decimal, education: Decimal
) -> None:
    reserve_share = min(floor + extra, Decimal(1))
    if reserve_share + education > 1:
        education = Decimal(1) - reserve_share
    policy = SurplusPolicy(
        minimum_reserve_share=floor, reserve_share=reserve_share, education_share=education
    )
    members = [Member(id="S01", contributions="10"), Member(id="S02")]
    cent = Decimal("0.01")
    up = (surplus * reserve_share).quantize(cent, ROUND_CEILING)
    if up + (surplus * education).quantize(cent, ROUND_HALF_UP) > surplus:
        with pytest.raises(InvalidSurplusDistribution, match="after rounding"):
            distribute_result(surplus, "0", members, {"S01": "1", "S02": "2"}, policy)
        return  # a few céntimos whose rounded shares exceed them are refused, never overdrawn
    d = distribute_result(surplus, "0", members, {"S01": "1", "S02": "2"}, policy)
    assert d.reserve == up
    assert d.reserve >= surplus * floor
    assert d.reserve >= surplus * reserve_share
    assert d.reserve - surplus * reserve_share < Decimal("0.01")  # rounded up, to the céntimo
    assert d.total == surplus
