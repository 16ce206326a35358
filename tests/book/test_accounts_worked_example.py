"""A year's remanente through the book, from its income and costs to each member's retorno
(issue 17 §5): an example **derived by hand** from the law's percentages, stated as such.

No public worked example of a co-op's surplus distribution that could be reproduced to the
céntimo was found (docs/accounts.md, "Worked example", lists the searches of two rounds). So the
figures below are computed by hand in the comments, from:

- LGC (TUO D.S. 074-90-TR) art. 42 num. 2: at least 20 % of the remanente to the reserva
  cooperativa, then interest on aportaciones, then the statute's funds, then the excedentes to the
  members in proportion to their operations;
- LGC art. 66 num. 1 and Ley 29683 art. 3 (operations with non-members are taxed, the acto
  cooperativo is not): the result of operations with non-members kept apart, to the reserve (the
  book's default, docs/accounts.md §3);
- the statute's choices, not the law's: education fund 10 % (reference
  ``peru-regulation-and-coop-accounts.md`` §2.4: "10 % is a common choice, not a legal figure"),
  interest on aportaciones 5 % a year with the statute's cap 8 %.

SQLite always, PostgreSQL when ``COOPFINANCE_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from decimal import Decimal

from book_helpers import (  # noqa: F401
    Where,
    fixture_coop,
    fixture_postgres_engine,
    fixture_where,
    write,
)

from coopfinance.book import Book
from coopfinance.coop import SurplusPolicy

D = Decimal
ROSTER = (
    "farmer,name,role,route,joined,left\n"
    "M001,Carmen,member,R1,,\nM002,Jorge,member,R1,,\nS001,Rosa,supplier,R2,2026-01-01,\n"
)
PRICES = """currency = "PEN"
[[prices]]
from = 2026-01-01
to = 2026-12-31
base = "1.00"
"""


def test_the_remanente_from_income_and_costs_to_each_members_retorno(
    where: Where, coop: str, tmp_path: pathlib.Path
) -> None:
    book = Book.init(where(), coop=coop, name="Manantial de Vida", pay_delay_days=5)
    book.import_roster(write(tmp_path, "roster.csv", ROSTER))
    book.import_prices(write(tmp_path, "prices.toml", PRICES))
    # milk of 1–15 January at S/ 1.00 a litre: M001 100 L/day, M002 50, supplier S001 50
    rows = ["farmer,date,litres"]
    for d in range(1, 16):
        rows += [f"M001,2026-01-{d:02d},100", f"M002,2026-01-{d:02d},50"]
        rows += [f"S001,2026-01-{d:02d},50"]
    book.import_deliveries(write(tmp_path, "d.csv", "\n".join(rows) + "\n"))
    # M001 pays S/ 1,000 in on 1 January (a whole year: average S/ 1,000.00); M002 S/ 3,650 on
    # 2 July (183 of 365 days: average 3,650 × 183 / 365 = S/ 1,830.00)
    book.record_contributions(
        write(
            tmp_path,
            "c.csv",
            "farmer,date,kind,amount,reference\n"
            "M001,2026-01-01,cash,1000.00,R-1\nM002,2026-07-02,cash,3650.00,R-2\n",
        )
    )
    # the co-op's own entries: the buyer pays S/ 5,400 for the 3,000 litres; transport S/ 300,
    # staff S/ 900
    book.record_entries(
        write(
            tmp_path,
            "e.csv",
            "date,kind,amount,reference,litres\n"
            "2026-01-15,milk-sale,5400.00,G-1,3000\n2026-01-31,transport,300.00,T-1,\n"
            "2026-12-31,staff,900.00,P-1,\n",
        )
    )
    while (p := book.status().open_period) is not None and p.start.year == 2026:
        book.close(p)

    # income statement: income 5,400.00; costs: milk 1,500 + 750 + 750 = 3,000.00, transport
    # 300.00, staff 900.00; remanente 5,400 − 4,200 = 1,200.00
    st = book.income_statement(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert st.line("milk_sales") == D("5400.00")
    assert st.line("milk_cost") == D("3000.00")
    assert (st.total_income, st.total_costs, st.result) == (D("5400"), D("4200"), D("1200"))
    # operations with the non-member: her milk costs 750.00 and her share by litres (750 of 3,000
    # = 25 %) of the shared lines is 25 % × (5,400 − 300 − 900) = 1,050.00: result 300.00
    assert st.third_party_result == D("300.00")

    y = book.distribute(
        2026,
        dt.date(2027, 3, 15),
        SurplusPolicy(contribution_interest_rate="0.05", contribution_interest_cap="0.08"),
    )
    d = y.distribution
    # the third-party 300.00 to the reserve; of the 900.00 left: reserve 20 % = 180.00,
    # education 10 % = 90.00; interest 5 % on 1,000.00 and on 1,830.00 = 50.00 and 91.50;
    # excedentes 900 − 180 − 90 − 141.50 = 488.50, by litres 1,500 : 750 = 2 : 1:
    # 325.666… and 162.833…, largest remainder to the céntimo: 325.67 and 162.83
    assert dict(y.contributions) == {"M001": D("1000.00"), "M002": D("1830.00")}
    assert dict(y.patronage) == {"M001": D("1500"), "M002": D("750")}
    assert d.third_party_reserve == D("300.00")
    assert (d.reserve, d.education) == (D("180.00"), D("90.00"))
    assert dict(d.interest) == {"M001": D("50.00"), "M002": D("91.50")}
    assert dict(d.patronage) == {"M001": D("325.67"), "M002": D("162.83")}
    assert d.total == st.result
    # credited to each member on the assembly's date, posted to the journal
    assert book.contributions("M001", dt.date(2027, 3, 15)).payable == D("375.67")
    assert book.contributions("M002", dt.date(2027, 3, 15)).payable == D("254.33")
    rows_ = {r.role: r.balance for r in book.trial_balance(dt.date(2027, 3, 15))}
    assert -rows_["reserve"] == D("480.00")
    assert -rows_["education_fund"] == D("90.00")
    assert -rows_["surplus_payable"] == D("630.00")
    text = book.assembly_document(2026, lang="es")
    assert isinstance(text, str)
    for row in (
        "| **Remanente del ejercicio** | **1,200.00** |",
        "| De ello, por operaciones con terceros | 300.00 |",
        "| Reserva: resultado de operaciones con terceros | 300.00 |",
        "| Reserva cooperativa | 180.00 |",
        "| Fondo de educación | 90.00 |",
        "| M001 — Carmen | 1,000.00 | 1,500 | 50.00 | 325.67 | 375.67 |",
        "| M002 — Jorge | 1,830.00 | 750 | 91.50 | 162.83 | 254.33 |",
        "- **Diferencia:** S/ 0.00",
    ):
        assert row in text, row
    book.close_connection()
