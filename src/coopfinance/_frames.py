"""Plain records to a pandas DataFrame, when pandas is installed (optional extra ``pandas``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coopfinance.errors import MissingDependency

__all__ = ["to_dataframe"]


def to_dataframe(records: Sequence[dict[str, Any]], columns: Sequence[str], what: str) -> Any:
    """``records`` as a ``pandas.DataFrame`` with ``columns``; a clear error without pandas.

    Amounts stay exact ``Decimal`` objects (an ``object`` column), dates stay ``date`` objects.
    """
    try:
        import pandas as pd
    except ImportError:
        raise MissingDependency(
            f"'{what}.to_dataframe' needs pandas: pip install 'coopfinance[pandas]' (or use "
            f"{what}.to_records()).",
            field="pandas",
            value=None,
        ) from None
    return pd.DataFrame.from_records(list(records), columns=list(columns))
