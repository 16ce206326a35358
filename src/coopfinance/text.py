"""Languages and messages: every word coopfinance shows a person comes from a gettext catalog.

The catalogs are ordinary gettext ``.po`` files under ``coopfinance/locale/<lang>/LC_MESSAGES/``
(the format Poedit, Weblate and Crowdin read); the wheel ships them compiled to ``.mo`` by the build
(``hatch_build.py``), and a checkout reads the ``.po`` sources directly. Message ids are the English
text (the gettext convention), with ``%(name)s`` placeholders (Python format, as the Jinja2 ``i18n``
extension writes them) and real plurals (``ngettext``: "1 día", "2 días").

Maintainers' commands (Babel's ``pybabel``; see docs/text.md)::

    pybabel extract -F babel.cfg -k N_ -k E_ -k EN_:1,2 -o /tmp/coopfinance.pot .  # the code's
    pybabel compile -d src/coopfinance/locale -D coopfinance     # only to check; the build compiles

(new entries are appended to the three ``.po`` files by hand: ``pybabel update`` would mark the
labels, which ``t(key)`` looks up and no extraction finds, obsolete).

A co-op overrides any message without copying templates: a directory of its own ``.po`` files
(``<dir>/<lang>/LC_MESSAGES/coopfinance.po`` or ``<dir>/<lang>.po``) or a mapping ``{msgid: text}``;
each override must keep the placeholders of the message it replaces.

>>> es = translator("es")
>>> es.ngettext("%(num)d day late", "%(num)d days late", 1, num=1)
'1 día de atraso'
>>> es.ngettext("%(num)d day late", "%(num)d days late", 3, num=3)
'3 días de atraso'
>>> translator("es", overrides={"Installment": "Cuota mensual"}).gettext("Installment")
'Cuota mensual'
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import os
import pathlib
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from coopfinance.errors import (
    E_,
    CoopFinanceError,
    ErrorText,
    InvalidTemplate,
    InvalidValue,
    fmt_value,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "MARK",
    "MARK_ENV",
    "N_",
    "Message",
    "Overrides",
    "Translator",
    "catalog_messages",
    "check_lang",
    "error_message",
    "error_text",
    "lang_from_env",
    "placeholders",
    "translator",
]

DEFAULT_LANGUAGE = "es"
DOMAIN = "coopfinance"
LOCALE_DIR = pathlib.Path(__file__).parent / "locale"
"""Where the bundled catalogs are (``.po`` sources; ``.mo`` compiled by the build in a wheel)."""


def _shipped() -> tuple[str, ...]:
    found = {p.parts[-3] for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    first = [lang for lang in ("es", "en") if lang in found]
    return (*first, *sorted(found - set(first)))


LANGUAGES = _shipped()
"""The languages shipped, one per catalog folder: a new language is a catalog alone. Today Spanish
(the default, as a Peruvian co-op reads), English and Brazilian Portuguese (``pt_BR``)."""

_ALIASES = {lang.lower(): lang for lang in LANGUAGES} | {
    lang.split("_", 1)[0].lower(): lang for lang in reversed(LANGUAGES)
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|\{(\w+)(?:[:!][^}]*)?\}")


Overrides = typing.Union[str, os.PathLike[str], Mapping[Any, Any], "Translator"]
"""A co-op's own messages: a folder of ``.po`` files, a mapping ``{msgid: text}`` (or
``{(context, msgid): text}``, or ``{msgid: [singular, plural]}`` for a plural message), or a
:class:`Translator` of the same language."""


def check_lang(lang: object) -> str:
    """The shipped language ``lang`` names: ``"es"``, ``"es_PE"``, ``"es-PE.UTF-8"`` → ``"es"``,
    ``"pt-BR"`` → ``"pt_BR"``; anything else is refused.

    >>> check_lang("es_PE.UTF-8"), check_lang("pt-BR"), check_lang("en")
    ('es', 'pt_BR', 'en')
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidValue: 'lang' must be one of 'es', 'en', 'pt_BR' (got 'fr').
    """
    if isinstance(lang, str):
        base = lang.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
        found = _ALIASES.get(base) or _ALIASES.get(base.split("_", 1)[0])
        if found:
            return found
    choices = ", ".join(repr(k) for k in LANGUAGES)
    raise InvalidValue(
        E_(
            "'lang' must be one of %(choices)s (got %(lang)s).",
            choices=choices,
            lang=fmt_value(lang),
        ),
        field="lang",
        value=lang,
    )


def lang_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The shipped language the environment asks for (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``, in gettext's order), or ``None`` (unset, ``C``/``POSIX``, or not shipped).

    >>> lang_from_env({"LANG": "es_PE.UTF-8"}), lang_from_env({"LANG": "C.UTF-8"})
    ('es', None)
    """
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in env.get(var, "").split(":"):
            if not value or value.split(".", 1)[0] in ("C", "POSIX"):
                continue
            try:
                return check_lang(value)
            except InvalidValue:
                continue
    return None


def placeholders(text: str) -> frozenset[str]:
    """The named placeholders of a message (``%(name)s`` or ``{name}``).

    >>> sorted(placeholders("Cuota %(number)s vence el %(date)s"))
    ['date', 'number']
    """
    return frozenset(a or b for a, b in _PLACEHOLDER.findall(text))


def N_(msgid: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks ``msgid`` as a message for ``pybabel extract -k N_`` and returns it unchanged: for
    message ids held in data (a :class:`Message`) and translated where they are shown.

    >>> N_("economic flows")
    'economic flows'
    """
    return msgid


@attrs.frozen(kw_only=True)
class Message:
    """A message to show, not yet in any language: what domain code returns instead of prose.

    ``msgid`` is the English text with ``%(name)s`` placeholders; ``params`` fill them (formatted by
    the renderer: amounts, dates and percents per language); ``plural`` and ``n`` make it a plural
    message; ``context`` tells apart two uses of the same English words.

    >>> msg = Message(msgid="%(num)d day late", plural="%(num)d days late", n=2, params={"num": 2})
    >>> translator("es").message(msg)
    '2 días de atraso'
    """

    msgid: str
    params: Mapping[str, Any] = attrs.field(factory=dict)
    plural: str | None = None
    n: int | None = None
    context: str | None = None


def _compile(catalog: Catalog) -> _gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _read_po(path: pathlib.Path, lang: str) -> Catalog:
    try:
        with path.open("rb") as fh:
            return read_po(fh, locale=lang, domain=DOMAIN)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidTemplate(
            E_(
                "the message catalog %(path)s cannot be read: %(exc)s.",
                path=repr(str(path)),
                exc=exc,
            ),
            field="catalog",
            value=str(path),
        ) from None


def _po_path(root: pathlib.Path, lang: str) -> pathlib.Path | None:
    for candidate in (root / lang / "LC_MESSAGES" / f"{DOMAIN}.po", root / f"{lang}.po"):
        if candidate.is_file():
            return candidate
    return None


def catalog_messages(lang: str, root: pathlib.Path = LOCALE_DIR) -> Catalog:
    """The ``.po`` catalog of ``lang`` under ``root`` (the bundled one by default), as Babel reads it.

    Tests use it to prove every message is translated in every shipped language.
    """
    lang = check_lang(lang)
    path = _po_path(root, lang)
    if path is None:
        return Catalog(locale=lang, domain=DOMAIN)
    return _read_po(path, lang)


@functools.cache
def _bundled(lang: str) -> _gettext.NullTranslations:
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():  # an installed wheel: compiled by the build from the .po sources
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    path = _po_path(LOCALE_DIR, lang)
    if path is None:
        return _gettext.NullTranslations()
    return _compile(_read_po(path, lang))


def _check_override(msgid: str, text: str) -> None:
    """An override keeps exactly the placeholders of the message it replaces."""
    if placeholders(text) != placeholders(msgid):
        raise InvalidTemplate(
            E_(
                "the override of %(msgid)s must use the placeholders "
                "%(placeholders_msgid)s (got %(text)s).",
                msgid=repr(msgid),
                placeholders_msgid=sorted(placeholders(msgid)),
                text=repr(text),
            ),
            field=msgid,
            value=text,
        )


_CTX = "\x04"  # gettext's separator of context and message id in a compiled catalog
MARK = "⟦%s⟧"
"""How :func:`translator` with ``mark_missing=True`` shows a message no catalog has (tests render
every document with it and fail on any mark)."""
MARK_ENV = "COOPFINANCE_MARK_MISSING"
"""With this environment variable set to ``1`` every translator marks missing messages, as a
pseudo-locale would: run the demo with it to see what a new catalog still lacks. Documents keep
their environments, so set it before the first document is rendered."""


def _english(message: str) -> str:
    return message


def _marked(message: str) -> str:
    return MARK.replace("%s", message)


def _plural_of(translations: _gettext.NullTranslations) -> Callable[[int], int]:
    found = getattr(translations, "plural", None)
    return found if callable(found) else (lambda n: int(n != 1))


def _table(translations: _gettext.NullTranslations) -> Mapping[Any, str]:
    found = getattr(translations, "_catalog", None)  # GNUTranslations' compiled messages
    return found if isinstance(found, dict) else {}


class _Chain(_gettext.NullTranslations):
    """Message tables tried in order (a co-op's overrides first, the bundled catalog last), then
    ``missing`` (the English text, or a mark). Nothing is chained by mutation, so the cached
    bundled catalogs are never changed by an override."""

    def __init__(
        self,
        tables: Sequence[Mapping[Any, str]],
        plural: Callable[[int], int],
        missing: Callable[[str], str] = _english,
    ) -> None:
        super().__init__()
        self.tables = tuple(tables)
        self.plural = plural
        self.missing = missing

    def _find(self, key: object) -> str | None:
        for table in self.tables:
            found = table.get(key)
            if found is not None:
                return found
        return None

    def gettext(self, message: str) -> str:
        found = self._find(message)
        return self.missing(message) if found is None else found

    def pgettext(self, context: str, message: str) -> str:
        found = self._find(f"{context}{_CTX}{message}")
        return self.missing(message) if found is None else found

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._find((msgid1, self.plural(n)))
        return self.missing(msgid1 if n == 1 else msgid2) if found is None else found

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        found = self._find((f"{context}{_CTX}{msgid1}", self.plural(n)))
        return self.missing(msgid1 if n == 1 else msgid2) if found is None else found


class Translator:
    """The messages of one language (with a co-op's overrides in front of the bundled catalog).

    ``gettext``/``ngettext``/``pgettext`` return the translated text with ``params`` put in its
    ``%(name)s`` placeholders (so a literal percent sign is written ``%%``); with no message in the
    catalog, the English text is used (the tests prove every shipped message has a translation).
    """

    def __init__(self, lang: str, translations: _Chain) -> None:
        self.lang = lang
        self._t = translations

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"

    @staticmethod
    def _fill(text: str, params: Mapping[str, Any]) -> str:
        try:
            return text % dict(params)
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidTemplate(
                E_(
                    "the message %(text)s cannot take the values %(params)s (%(exc)s).",
                    text=repr(text),
                    params=sorted(params),
                    exc=exc,
                ),
                field="message",
                value=text,
            ) from None

    def gettext(self, msgid: str, /, **params: Any) -> str:
        """The translation of ``msgid`` with ``params`` filled in."""
        return self._fill(self._t.gettext(msgid), params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """The singular or plural form the language uses for ``n``, ``params`` filled in."""
        return self._fill(self._t.ngettext(singular, plural, n), params)

    def pgettext(self, context: str, msgid: str, /, **params: Any) -> str:
        """:meth:`gettext` for ``msgid`` in ``context`` (the same English words used twice)."""
        return self._fill(self._t.pgettext(context, msgid), params)

    def npgettext(self, context: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """:meth:`ngettext` in ``context``."""
        return self._fill(self._t.npgettext(context, singular, plural, n), params)

    def label(self, key: str, english: str) -> str:
        """The label ``key`` (a message whose context is ``key`` and whose id is ``english``), as
        it stands in the catalog: no placeholder is filled (templates fill labels themselves)."""
        return self._t.pgettext(key, english)

    def known(self, context: str, msgid: str) -> str | None:
        """The catalogs' text for ``msgid`` in ``context`` if any catalog has it, else ``None``
        (never marked): for names the library supplies among names a user types.

        >>> translator("es").known("plan scenario", "with plan"), translator("es").known(
        ...     "plan scenario", "Plan Alfalfa")
        ('con plan', None)
        """
        return self._t._find(f"{context}{_CTX}{msgid}")

    def message(self, msg: Message, fmt: Callable[[Any], Any] = lambda v: v) -> str:
        """A :class:`Message` in this language; ``fmt`` formats each parameter first (the
        documents pass their money, date and percent formatting); a parameter that is itself a
        :class:`Message` is put in this language first.

        >>> es = translator("es")
        >>> es.message(Message(msgid="The IRR of the %(flows)s does not exist: every flow is zero.",
        ...     params={"flows": Message(msgid="economic flows", context="plan flows")}))
        'La TIR de los flujos económicos no existe: todos los flujos son cero.'
        """
        params = {
            k: self.message(v, fmt) if isinstance(v, Message) else fmt(v)
            for k, v in msg.params.items()
        }
        if msg.plural is not None:
            n = msg.n if msg.n is not None else 1
            if msg.context:
                return self.npgettext(msg.context, msg.msgid, msg.plural, n, **params)
            return self.ngettext(msg.msgid, msg.plural, n, **params)
        if msg.context:
            return self.pgettext(msg.context, msg.msgid, **params)
        return self.gettext(msg.msgid, **params)

    # the callables the Jinja2 i18n extension installs (newstyle: Jinja fills the placeholders)
    def jinja_callables(self) -> dict[str, Callable[..., str]]:
        """``gettext``, ``ngettext``, ``pgettext``, ``npgettext`` without placeholder filling."""
        t = self._t
        return {
            "gettext": t.gettext,
            "ngettext": t.ngettext,
            "pgettext": t.pgettext,
            "npgettext": t.npgettext,
        }


def _mapping_table(overrides: Mapping[Any, Any]) -> dict[Any, str]:
    """``{msgid: text}``, ``{(context, msgid): text}``, or a plural ``{msgid: [form, …]}`` as a
    compiled catalog's keys, each text checked for the placeholders of its message."""
    table: dict[Any, str] = {}
    for key, value in overrides.items():
        context, msgid = key if isinstance(key, tuple) and len(key) == 2 else (None, key)
        forms = [value] if isinstance(value, str) else value
        if (
            not isinstance(msgid, str)
            or not (context is None or isinstance(context, str))
            or not isinstance(forms, list | tuple)
            or not forms
            or not all(isinstance(f, str) for f in forms)
        ):
            raise InvalidTemplate(
                E_(
                    "message overrides must map text to text (got %(key)s: %(value)s).",
                    key=repr(key),
                    value=repr(value),
                ),
                field="overrides",
                value=key,
            )
        name = msgid if context is None else f"{context}{_CTX}{msgid}"
        for index, form in enumerate(forms):
            _check_override(msgid, form)
            table[name if isinstance(value, str) else (name, index)] = form
    return table


def _layers(lang: str, overrides: object) -> tuple[Mapping[Any, str], ...]:
    """The message tables of one source of overrides, first wins."""
    if isinstance(overrides, Translator):
        if overrides.lang != lang:
            raise InvalidTemplate(
                E_(
                    "the messages given are in %(lang)s, the document in %(lang2)s.",
                    lang=repr(overrides.lang),
                    lang2=repr(lang),
                ),
                field="messages",
                value=overrides.lang,
            )
        return overrides._t.tables
    if isinstance(overrides, Mapping):
        return (_mapping_table(overrides),)
    if isinstance(overrides, str | os.PathLike):
        root = pathlib.Path(overrides)
        if not root.is_dir():
            raise InvalidTemplate(
                E_(
                    "'overrides' must be a folder of .po files (got %(root)s).",
                    root=repr(str(root)),
                ),
                field="overrides",
                value=str(root),
            )
        path = _po_path(root, lang)
        if path is None:
            return ()
        catalog = _read_po(path, lang)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                ids = [message.id] if isinstance(message.id, str) else list(message.id)
                texts = [message.string] if isinstance(message.string, str) else message.string
                for text in texts:
                    _check_override(str(ids[-1]), str(text))
        return (_table(_compile(catalog)),)
    raise InvalidTemplate(
        E_(
            "'overrides' must be a folder of .po files, a mapping or a Translator "
            "(got %(overrides)s).",
            overrides=fmt_value(overrides),
        ),
        field="overrides",
        value=overrides,
    )


@functools.cache
def _plain(lang: str, mark_missing: bool = False) -> Translator:
    bundled = _bundled(lang)
    missing = _marked if mark_missing else _english
    return Translator(lang, _Chain([_table(bundled)], _plural_of(bundled), missing))


def translator(
    lang: str = DEFAULT_LANGUAGE,
    *,
    overrides: Overrides | Sequence[Overrides] | None = None,
    mark_missing: bool = False,
) -> Translator:
    """The :class:`Translator` for ``lang`` (see :func:`check_lang`), with ``overrides`` (a folder
    of ``.po`` files, a mapping, another :class:`Translator` of the same language, or a sequence
    of them, the first winning) in front of the bundled catalog.

    ``mark_missing``: a message no catalog has comes out as ``⟦English⟧`` instead of the English
    text (see :data:`MARK`), so a test can find every message a language lacks.

    >>> translator("en").gettext("Installment")
    'Installment'
    >>> translator("es", mark_missing=True).gettext("Not a message")
    '⟦Not a message⟧'
    >>> translator("es", overrides={"Installment %(number)s": "Cuota"})
    Traceback (most recent call last):
    ...
    coopfinance.errors.InvalidTemplate: the override of 'Installment %(number)s' must use the ...
    """
    lang = check_lang(lang)
    base = _plain(lang, bool(mark_missing) or os.environ.get(MARK_ENV) == "1")
    if overrides is None:
        return base
    sources: Sequence[object] = (
        [overrides]
        if isinstance(overrides, str | os.PathLike | Mapping | Translator)
        else list(overrides)
    )
    if not sources:
        return base
    tables: list[Mapping[Any, str]] = []
    missing = base._t.missing
    for source in sources:
        tables.extend(_layers(lang, source))
        if isinstance(source, Translator) and source._t.missing is _marked:
            missing = _marked
    tables.extend(base._t.tables)
    return Translator(lang, _Chain(tables, base._t.plural, missing))


_FIELD_STEM = re.compile(r"^(?:.*[.\]])?([A-Za-z_][\w-]*)(?:\[\d+\])*$")


def _field_gloss(tr: Translator, field: str) -> str | None:
    """The user's word for a field name (catalog context ``error field``), or ``None``."""
    found = tr.known("error field", field)
    if found is None:
        stem = _FIELD_STEM.match(field)
        if stem and stem.group(1) != field:
            found = tr.known("error field", stem.group(1))
    return found if found and found != field else None


def error_text(text: object, lang: str = DEFAULT_LANGUAGE, *, mark_missing: bool = False) -> str:
    """An error message (an :class:`~coopfinance.errors.ErrorText`, or plain text, shown as it is)
    in ``lang``: its id looked up in the catalogs under the context ``error``, its parameters put
    in ``lang`` first when they are error messages too.

    >>> from coopfinance.errors import E_
    >>> error_text(E_("%(where)s: %(message)s", where=E_("line %(line)s", line=7),
    ...     message=E_("%(field)s must not be empty (got %(value)s).", field="'name'", value="''")),
    ...     "es")
    "línea 7: 'name' no debe estar vacío (se recibió '')."
    """
    tr = translator(lang, mark_missing=mark_missing)
    return _error_text(tr, text)


def _error_text(tr: Translator, text: object) -> str:
    if isinstance(text, CoopFinanceError):  # an error given as a parameter: its message
        text = text.message
    if not isinstance(text, ErrorText):
        return str(text)
    params = {k: _error_text(tr, v) for k, v in text.params.items()}
    if text.context == "":  # a listing (errors.joined): nothing of its own to translate
        return text.msgid % params
    if text.context == "clause":  # errors.clause: the message without its final period
        return str(params["message"]).rstrip(".")
    if text.context == "renamed":  # errors.renamed: a quoted field named otherwise
        return str(params["message"]).replace(params["old"], params["new"], 1)
    if text.plural is not None:
        n = text.n if text.n is not None else 1
        if text.context is None:
            return tr.ngettext(text.msgid, text.plural, n, **params)
        return tr.npgettext(text.context, text.msgid, text.plural, n, **params)
    if text.context is None:
        return tr.gettext(text.msgid, **params)
    return tr.pgettext(text.context, text.msgid, **params)


def error_message(exc: BaseException, lang: str = DEFAULT_LANGUAGE) -> str:
    """The message of ``exc`` in ``lang``, as the CLI prints it after ``Error:``.

    A :class:`~coopfinance.errors.CoopFinanceError`'s message is put in ``lang`` through the
    catalogs (:func:`error_text`), and its ``field``, when the message quotes it and the catalogs
    have a user's word for it (context ``error field``), is followed by that word:
    ``'installments' (cuotas)``. English stays as ``str(exc)``, what app developers match. Any other
    exception is shown as ``str(exc)``.

    >>> from coopfinance.text import check_lang
    >>> try:
    ...     check_lang("fr")
    ... except InvalidValue as exc:
    ...     error_message(exc, "es"), error_message(exc, "en") == str(exc)
    ("'lang' (idioma) debe ser uno de 'es', 'en', 'pt_BR' (se recibió 'fr').", True)
    """
    tr = translator(lang)
    text = _error_text(tr, getattr(exc, "message", None) or str(exc))
    field = getattr(exc, "field", None)
    if isinstance(field, str) and tr.lang != "en":
        gloss = _field_gloss(tr, field)
        quoted = repr(field)
        if gloss and quoted in text:
            text = text.replace(quoted, f"{quoted} ({gloss})", 1)
    return text
