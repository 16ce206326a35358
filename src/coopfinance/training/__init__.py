"""Financial training for dairy co-op members (layer 7): curricula, exercises built from the
member's own numbers with answer keys computed by the library, quizzes, cohorts and progress.

- :class:`Curriculum` → :class:`Module` → :class:`Session`, loaded from TOML/JSON data; the bundled
  default for dairy co-op members is :meth:`Curriculum.default` (``"es"`` or ``"en"``);
- exercise generators (:data:`GENERATORS`, :func:`generate`), each taking a seeded random source or
  the member's own values, returning an :class:`Exercise` with a worked solution and distractors
  from typical :class:`Mistake` s;
- :class:`Quiz` (pre/post, deterministic for a seed), :class:`Cohort` and :class:`Progress`;
- the data of the documents (rendered by :mod:`coopfinance.documents`): :class:`MemberData` and
  :func:`worksheet` (a personal worksheet from the member's own figures), :class:`CohortRecords`
  (a cohort file with outcome records) and :func:`certify` (completion, or why not).

>>> ex = generate("installment_share", litres=1240, price="1.30", installment=300)
>>> ex.answer, ex.check("18.61 %").correct
(Decimal('18.61'), True)
>>> ex.question["en"].startswith("This fortnight you delivered 1,240 L at S/ 1.30 a litre.")
True
"""

from coopfinance.training._cohort import Cohort
from coopfinance.training._curriculum import (
    MAX_MINUTES,
    MIN_MINUTES,
    Activity,
    Curriculum,
    Method,
    Module,
    Session,
    check_translations,
)
from coopfinance.training._exercise import (
    LANGUAGES,
    Check,
    Choice,
    Exercise,
    Mistake,
    Op,
    Step,
    Topic,
    Unit,
    format_value,
)
from coopfinance.training._generators import (
    GENERATORS,
    RandomSource,
    break_even_litres,
    cronograma_interest,
    cronograma_principal,
    flat_offer_tcea,
    flat_vs_declining,
    generate,
    generators_for,
    household_surplus,
    installment_share,
    milk_gross,
    patronage_return,
    payback_years,
    repayment_capacity,
    savings_goal,
    savings_months,
    settlement_net,
    tea_to_tem,
    tem_to_tea,
)
from coopfinance.training._progress import (
    CompletionRule,
    ModuleGain,
    OutcomeIndicators,
    OutcomePeriod,
    OutcomeRecord,
    Participant,
    Progress,
    QuizScore,
    Role,
    SessionHeld,
    participants_from,
)
from coopfinance.training._quiz import Quiz, QuizKind, QuizResult
from coopfinance.training._records import CohortRecords, certify
from coopfinance.training._worksheet import MemberData, Worksheet, worksheet

__all__ = [
    "GENERATORS",
    "LANGUAGES",
    "MAX_MINUTES",
    "MIN_MINUTES",
    "Activity",
    "Check",
    "Choice",
    "Cohort",
    "CohortRecords",
    "CompletionRule",
    "Curriculum",
    "Exercise",
    "MemberData",
    "Method",
    "Mistake",
    "Module",
    "ModuleGain",
    "Op",
    "OutcomeIndicators",
    "OutcomePeriod",
    "OutcomeRecord",
    "Participant",
    "Progress",
    "Quiz",
    "QuizKind",
    "QuizResult",
    "QuizScore",
    "RandomSource",
    "Role",
    "Session",
    "SessionHeld",
    "Step",
    "Topic",
    "Unit",
    "Worksheet",
    "break_even_litres",
    "certify",
    "check_translations",
    "cronograma_interest",
    "cronograma_principal",
    "flat_offer_tcea",
    "flat_vs_declining",
    "format_value",
    "generate",
    "generators_for",
    "household_surplus",
    "installment_share",
    "milk_gross",
    "participants_from",
    "patronage_return",
    "payback_years",
    "repayment_capacity",
    "savings_goal",
    "savings_months",
    "settlement_net",
    "tea_to_tem",
    "tem_to_tea",
    "worksheet",
]
