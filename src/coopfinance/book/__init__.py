"""The co-op book: the season recorded once, every settlement and document derived from it.

Layer 9 (DESIGN.md): SQLAlchemy Core tables and Alembic migrations; append-only entries (roster,
prices, deliveries with an identity, loans and their events, other obligations); imports that
double nothing and drop nothing; closes that settle a period from the book, post the check-off
payments dated the pay date and freeze the settlement. SQLite embedded (``sqlite:///coop.db``),
PostgreSQL by URL (``postgresql+psycopg://…``, the ``postgres`` extra). See docs/book.md.

>>> import io
>>> from coopfinance.book import Book
>>> book = Book.init("sqlite://", coop="manantial", name="Manantial de Vida")
>>> roster = io.StringIO("farmer,name\\nM001,Carmen Torres\\n")
>>> print(book.import_roster(roster))
1 new, 0 already recorded
>>> print(book.import_roster(io.StringIO("farmer,name\\nM001,Carmen Torres\\n")))
0 new, 1 already recorded
"""

# issue 17: the co-op's own accounts (docs/accounts.md)
from coopfinance.book._accounts import ContributionEntry, ContributionStatement, Membership
from coopfinance.book._book import Book, BookStatus, FarmerStatement
from coopfinance.book._chart import PCGE, ROLES, Account, Chart
from coopfinance.book._close import Adjustment, Closing
from coopfinance.book._common import ImportReport, Member
from coopfinance.book._deliveries import COLUMNS as DELIVERY_COLUMNS
from coopfinance.book._documents import BookDocuments
from coopfinance.book._errors import (
    BookError,
    BookSchemaError,
    Conflict,
    ImportRefused,
    Problem,
    WrongPeriod,
)
from coopfinance.book._export import TABLES as EXPORT_TABLES
from coopfinance.book._groups import FUND as GUARANTEE_FUND  # issue 18 §2
from coopfinance.book._groups import GroupRecord
from coopfinance.book._income import IncomeStatement, YearDistribution
from coopfinance.book._journal import (
    ENTRY_KINDS,
    LEDGER_COLUMNS,
    JournalEntry,
    JournalLine,
    TrialBalanceRow,
    safe_cell,
)
from coopfinance.book._members import Liquidation
from coopfinance.book._reports import assembly_context, contributions_context, liquidation_context
from coopfinance.book._store import create_engine

__all__ = [
    "DELIVERY_COLUMNS",
    "ENTRY_KINDS",
    "EXPORT_TABLES",
    "GUARANTEE_FUND",
    "LEDGER_COLUMNS",
    "PCGE",
    "ROLES",
    "Account",
    "Adjustment",
    "Book",
    "BookDocuments",
    "BookError",
    "BookSchemaError",
    "BookStatus",
    "Chart",
    "Closing",
    "Conflict",
    "ContributionEntry",
    "ContributionStatement",
    "FarmerStatement",
    "GroupRecord",
    "ImportRefused",
    "ImportReport",
    "IncomeStatement",
    "JournalEntry",
    "JournalLine",
    "Liquidation",
    "Member",
    "Membership",
    "Problem",
    "TrialBalanceRow",
    "WrongPeriod",
    "YearDistribution",
    "assembly_context",
    "contributions_context",
    "create_engine",
    "liquidation_context",
    "safe_cell",
]
