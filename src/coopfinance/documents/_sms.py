"""Text messages for the farmer's phone: one per liquidación and one per payment received.

A short Spanish (or English, or Portuguese) text with the litres, the value of the milk, what was
deducted, the net paid and the next installment (``sms.txt.j2``; the words are catalog messages
``sms.*``). The co-op's app sends it however it likes (an SMS gateway, WhatsApp).

**The alphabet.** An SMS in the GSM 03.38 default alphabet (GSM-7) holds 160 characters, or 153
per part when split; any character outside it makes the whole message UCS-2, 70 characters (67
per part). Spanish needs ``á í ó ú``, which GSM-7 lacks (it has ``é ñ ü Ñ ¿ ¡``): coopfinance
**folds** the letters outside GSM-7 to plain ones (``á`` → ``a``, ``Á`` → ``A``, ``ç`` → ``c``),
as Peruvian bank and telco SMS do, so a message costs one part instead of three; characters of
the extension table (``€ [ ] { } | ^ ~ \\``) count 2. A message longer than two parts (306) is
refused: :class:`~coopfinance.errors.InvalidValue` names the field and the length.

>>> to_gsm7("Liquidación: 45 L, crédito, año")
'Liquidacion: 45 L, crédito, año'
>>> gsm7_length("precio €1"), sms_parts("a" * 160), sms_parts("a" * 161)
(10, 1, 2)
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

from coopfinance import text
from coopfinance._fields import to_text
from coopfinance.dairy import FarmerSettlement, Settlement
from coopfinance.documents._env import render
from coopfinance.errors import E_, InvalidValue, WrongType
from coopfinance.servicing import AccountState, Payment

__all__ = [
    "GSM7",
    "SMS_MAX_PARTS",
    "gsm7_length",
    "payment_sms",
    "settlement_sms",
    "sms_parts",
    "to_gsm7",
]

GSM7: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1): one septet each."""
_EXTENSION: Final = frozenset("^{}\\[~]|€\f")
"""The extension table: an escape and a septet, so two characters each."""
SMS_MAX_PARTS: Final = 2
"""The longest message sent: two concatenated parts (2 × 153 GSM-7 characters)."""


def to_gsm7(message: str) -> str:
    """``message`` with every character outside GSM-7 folded to a plain one (accents dropped by
    Unicode decomposition; a character with no plain form becomes ``?``)."""
    out = []
    for char in message:
        if char in GSM7 or char in _EXTENSION:
            out.append(char)
            continue
        if char in "\u00a0\u202f\t":  # no-break and narrow spaces (money, numbers)
            out.append(" ")
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(c in GSM7 for c in base) else "?")
    return "".join(out)


def gsm7_length(message: str) -> int:
    """The length in GSM-7 characters (extension characters count 2); ``message`` must be in
    GSM-7 already (:func:`to_gsm7`)."""
    outside = sorted({c for c in message if c not in GSM7 and c not in _EXTENSION})
    if outside:
        raise InvalidValue(
            E_(
                "'message' must be in the GSM-7 alphabet (got %(outside)s).",
                outside=repr("".join(outside)),
            ),
            field="message",
            value="".join(outside),
        )
    return sum(2 if c in _EXTENSION else 1 for c in message)


def sms_parts(message: str) -> int:
    """How many SMS parts a GSM-7 message takes: 1 up to 160 characters, else ⌈n / 153⌉."""
    n = gsm7_length(message)
    return 1 if n <= 160 else -(-n // 153)


def _finish(message: str) -> str:
    folded = to_gsm7(" ".join(message.split()))
    parts = sms_parts(folded)
    if parts > SMS_MAX_PARTS:
        raise InvalidValue(
            E_(
                "the SMS must fit %(sms_max_parts)s parts, 306 GSM-7 characters (got "
                "%(gsm7_length_folded)s characters: %(folded)s); shorten the co-op "
                "name or the sms.* messages.",
                sms_max_parts=SMS_MAX_PARTS,
                gsm7_length_folded=gsm7_length(folded),
                folded=repr(folded),
            ),
            field="message",
            value=gsm7_length(folded),
        )
    return folded


def _next(state: AccountState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    if not isinstance(state, AccountState):
        raise WrongType(
            E_("'state' must be an AccountState (got %(type)s).", type=type(state).__name__),
            field="state",
            value=state,
        )
    nxt = state.next_due()
    return None if nxt is None else {"amount": nxt.due.total, "date": nxt.due_date}


def _sms(
    context: dict[str, Any],
    lang: str,
    template_dirs: Iterable[str | os.PathLike[str]],
    messages: text.Overrides | None,
) -> str:
    return _finish(
        render("sms", context, lang=lang, fmt="txt", template_dirs=template_dirs, messages=messages)
    )


def settlement_sms(
    statement: FarmerSettlement,
    settlement: Settlement,
    *,
    coop_name: str,
    state: AccountState | None = None,
    lang: str = "es",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
) -> str:
    """The SMS of a farmer's liquidación: litres, value, deducted, net and (with the loan's
    ``state`` after the settlement) the next installment, folded to GSM-7, ≤ 2 parts.

    >>> import datetime as dt
    >>> from coopfinance.dairy import Delivery, MilkPriceSchedule, Period, settle
    >>> prices = MilkPriceSchedule.flat("1.30", "2026-01-01", "2026-12-31")
    >>> s = settle([Delivery(farmer="F01", date=dt.date(2026, 1, 2), litres="652.5")], prices,
    ...            Period.parse("2026-01-01..2026-01-15"))
    >>> print(settlement_sms(s.statements[0], s, coop_name="Coop Manantial"))
    Coop Manantial: leche 01/01/2026-15/01/2026: 652.5 L, valor S/ 848.25, descuento S/ 0.00, neto S/ 848.25.
    """
    if not isinstance(statement, FarmerSettlement):
        raise WrongType(
            E_(
                "'statement' must be a FarmerSettlement (got %(type)s).",
                type=type(statement).__name__,
            ),
            field="statement",
            value=statement,
        )
    context = {
        "kind": "settlement",
        "coop": to_text(coop_name, field="coop_name"),
        "currency": settlement.currency,
        "period": settlement.period,
        "litres": statement.litres,
        "gross": statement.gross,
        "deducted": statement.deductions,
        "net": statement.net,
        "next": _next(state),
    }
    return _sms(context, lang, template_dirs, messages)


def payment_sms(
    payment: Payment,
    state: AccountState,
    *,
    coop_name: str,
    loan_id: str,
    currency: str = "PEN",
    lang: str = "es",
    template_dirs: Iterable[str | os.PathLike[str]] = (),
    messages: text.Overrides | None = None,
) -> str:
    r"""The SMS of a payment received: its amount and date, the loan, what is owed after it and
    the next installment (``state`` is the account's state after the payment).

    >>> from coopfinance import LoanTerms, Rate, LoanAccount, Payment
    >>> terms = LoanTerms(principal="1000", rate=Rate.effective_annual("20%"), installments=2,
    ...                   disbursed="2026-01-15")
    >>> paid = Payment(date="2026-02-15", amount="511.51", id="p1")
    >>> state = LoanAccount(terms=terms, id="L-7", events=[paid]).state(paid.date)
    >>> sms = payment_sms(paid, state, coop_name="Coop Manantial", loan_id="L-7")
    >>> print(sms.replace(". ", ".\n"))
    Coop Manantial: recibimos su pago de S/ 511.51 el 15/02/2026, credito L-7.
    Saldo S/ 504.31.
    Prox. cuota S/ 511.51 el 15/03/2026.
    >>> sms_parts(sms)
    1
    """
    if not isinstance(payment, Payment):
        raise WrongType(
            E_("'payment' must be a Payment (got %(type)s).", type=type(payment).__name__),
            field="payment",
            value=payment,
        )
    nxt = _next(state)
    context = {
        "kind": "payment",
        "coop": to_text(coop_name, field="coop_name"),
        "currency": currency,
        "amount": payment.amount,
        "date": payment.date,
        "loan": to_text(loan_id, field="loan_id"),
        "balance": state.owed,
        "next": nxt,
    }
    return _sms(context, lang, template_dirs, messages)
