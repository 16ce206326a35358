"""``python -m coopfinance`` runs the command line."""

from coopfinance.cli import run

run()
