"""Documents (layer 8): Jinja2 templates rendered to Markdown, HTML or PDF, in Spanish or English.

- :func:`render` renders any document by name with a context; :func:`render_pdf` makes PDF from the
  HTML (needs the optional WeasyPrint: ``coopfinance[pdf]``);
- :func:`render_plan` renders a business plan (:mod:`coopfinance.plans`) as Markdown, HTML with
  inline SVG charts, or PDF, from the context :func:`plan_context` builds;
- :func:`schedule_text` and :func:`statement_text`: the plain-text schedule and account statement a
  terminal shows (``*.txt.j2`` templates, laid out by :func:`align_columns`);
- :func:`render_schedule` (the cronograma) and :func:`render_key_facts` (Peru's *hoja resumen*, from
  :class:`KeyFacts`) build their contexts with :func:`schedule_context` / :func:`key_facts_context`;
- :func:`render_settlement` (a farmer's milk payment statement, the liquidación) and
  :func:`render_settlement_summary` (the co-op's period summary, reconciled to the statements) with
  :func:`settlement_context` / :func:`settlement_summary_context`;
- :func:`render_contributions`, :func:`render_liquidation` and :func:`render_assembly`: the
  co-op's own accounts (a member's contributions, a leaver's liquidación, the assembly's
  accounts), from the contexts the book builds (``coopfinance.book``, docs/accounts.md);
- :func:`environment` is the one Jinja2 environment: ``StrictUndefined``, autoescaping for HTML,
  the filters ``money``, ``number``, ``percent``, ``date`` and ``md``, and the label lookup ``t``;
- the training documents (data from :mod:`coopfinance.training`): :func:`render_guide` (the
  trainer's session guide), :func:`render_worksheet` (a member's worksheet, or its answer key),
  :func:`render_certificate` and :func:`render_training_report`, each with its ``*_context``;
- :func:`settlement_sms` and :func:`payment_sms`: the text message for the farmer's phone (GSM-7,
  two parts at most: :func:`to_gsm7`, :func:`gsm7_length`, :func:`sms_parts`);
- the formatters behind the filters: :func:`format_money`, :func:`format_number`,
  :func:`format_percent`, :func:`format_date`, :func:`escape_markdown`.

Templates are looked up in the ``template_dirs`` given, then in the bundled ones, so a co-op can
restyle any document by copying one template into its own directory (see docs/documents.md).

>>> from coopfinance import LoanTerms, Rate
>>> from coopfinance.documents import render_schedule
>>> s = LoanTerms(principal="5000", rate=Rate.effective_annual("35%"), installments=6,
...               disbursed="2026-01-15").schedule()
>>> html = render_schedule(s, borrower="Juana Quispe", lender="Cooperativa Manantial de Vida",
...                        lang="en", fmt="html")
>>> html.startswith("<!DOCTYPE html>"), "January 15, 2026" in html
(True, True)
"""

from coopfinance.documents._accounts import (
    render_assembly,
    render_contributions,
    render_liquidation,
)
from coopfinance.documents._dairy import (
    render_settlement,
    render_settlement_summary,
    settlement_context,
    settlement_summary_context,
)
from coopfinance.documents._documents import (
    Column,
    ColumnKind,
    key_facts_context,
    rate_label,
    render_key_facts,
    render_schedule,
    schedule_charts,
    schedule_columns,
    schedule_context,
    schedule_text,
)
from coopfinance.documents._env import (
    FORMATS,
    bundled_templates,
    environment,
    render,
    render_pdf,
    template_search_path,
)
from coopfinance.documents._facts import (
    KeyFacts,
    RevenueShareFacts,
    revenue_share_context,
    revenue_share_facts_context,
)
from coopfinance.documents._format import (
    DATE_STYLES,
    LANGUAGES,
    align_columns,
    escape_markdown,
    format_date,
    format_money,
    format_number,
    format_percent,
)
from coopfinance.documents._plan import PLAN_FORMATS, plan_context, render_plan
from coopfinance.documents._portfolio import portfolio_context, render_portfolio
from coopfinance.documents._servicing import (
    render_statement,
    statement_charts,
    statement_context,
    statement_text,
)
from coopfinance.documents._sms import (
    GSM7,
    SMS_MAX_PARTS,
    gsm7_length,
    payment_sms,
    settlement_sms,
    sms_parts,
    to_gsm7,
)
from coopfinance.documents._training import (
    certificate_context,
    guide_context,
    render_certificate,
    render_guide,
    render_training_report,
    render_worksheet,
    training_report_context,
    worksheet_context,
)

__all__ = [
    "DATE_STYLES",
    "FORMATS",
    "GSM7",
    "LANGUAGES",
    "PLAN_FORMATS",
    "SMS_MAX_PARTS",
    "Column",
    "ColumnKind",
    "KeyFacts",
    "RevenueShareFacts",
    "align_columns",
    "bundled_templates",
    "certificate_context",
    "environment",
    "escape_markdown",
    "format_date",
    "format_money",
    "format_number",
    "format_percent",
    "gsm7_length",
    "guide_context",
    "key_facts_context",
    "payment_sms",
    "plan_context",
    "portfolio_context",
    "rate_label",
    "render",
    "render_assembly",
    "render_certificate",
    "render_contributions",
    "render_guide",
    "render_key_facts",
    "render_liquidation",
    "render_pdf",
    "render_plan",
    "render_portfolio",
    "render_schedule",
    "render_settlement",
    "render_settlement_summary",
    "render_statement",
    "render_training_report",
    "render_worksheet",
    "revenue_share_context",
    "revenue_share_facts_context",
    "schedule_charts",
    "schedule_columns",
    "schedule_context",
    "schedule_text",
    "settlement_context",
    "settlement_sms",
    "settlement_summary_context",
    "sms_parts",
    "statement_charts",
    "statement_context",
    "statement_text",
    "template_search_path",
    "to_gsm7",
    "training_report_context",
    "worksheet_context",
]
