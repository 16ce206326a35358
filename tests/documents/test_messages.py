"""Documents take every word from the catalogs: a co-op's overrides (mapping or ``.po`` folder)
without copying templates, real plurals, the Jinja2 ``i18n`` extension, and the compiled ``.mo``
catalogs the wheel ships."""

from __future__ import annotations

import datetime as dt
import gettext
import pathlib
import re
import shutil
from decimal import Decimal

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from tests.documents.examples import golden_facts, golden_schedule

from coopfinance import text
from coopfinance.dairy import Delivery, MilkPriceSchedule, Period, settle
from coopfinance.documents import (
    _env,
    environment,
    render,
    render_key_facts,
    render_schedule,
    render_settlement,
    schedule_context,
)
from coopfinance.errors import InvalidPriceSchedule, InvalidTemplate, WrongType

PARTIES = {"borrower": "Juana Quispe", "lender": "Cooperativa Manantial de Vida"}


def test_a_mapping_overrides_a_label_without_copying_templates() -> None:
    plain = render_schedule(golden_schedule(), **PARTIES)
    mine = render_schedule(
        golden_schedule(), **PARTIES, messages={("column.interest", "Interest"): "Interés (TEA)"}
    )
    assert "| Interés |" in plain
    assert "| Interés (TEA) |" in mine
    assert "| Interés |" not in mine
    # the bundled catalog itself is untouched by the override
    assert "| Interés |" in render_schedule(golden_schedule(), **PARTIES)


def test_a_po_folder_overrides_messages(tmp_path: pathlib.Path) -> None:
    catalog = Catalog(locale="es", domain=text.DOMAIN)
    catalog.add("Key facts sheet", "Hoja resumen informativa", context="document.key_facts.title")
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "coopfinance.po").open("wb") as fh:
        write_po(fh, catalog)
    english = dict(_env._label_index())["document.key_facts.title"]
    assert english == "Key facts sheet"  # the override names the message it replaces
    out = render_key_facts(golden_facts(), messages=tmp_path)
    assert out.splitlines()[0] == "# Hoja resumen informativa"


def test_an_override_must_keep_the_placeholders() -> None:
    with pytest.raises(InvalidTemplate, match=r"placeholders \['days'\]"):
        environment(
            messages={("portfolio.par_more_than", "More than %(days)s day late"): ["Atraso"]}
        )


def test_plural_labels_are_real_plurals() -> None:
    env = environment()
    par = env.from_string('{{ t("portfolio.par_more_than", n, days=n) }}')
    assert par.render(lang="es", n=1) == "Atraso de más de 1 día"
    assert par.render(lang="es", n=30) == "Atraso de más de 30 días"
    assert par.render(lang="pt_BR", n=1) == "Atraso de mais de 1 dia"
    years = env.from_string('{{ t("plan.years", n, num=n) }}')
    assert (years.render(lang="es", n=1), years.render(lang="es", n=5)) == ("1 año", "5 años")
    with pytest.raises(WrongType, match="plural message"):
        env.from_string('{{ t("portfolio.par_more_than") }}').render(lang="es")


def test_the_i18n_extension_follows_the_document_language() -> None:
    late = "%(count)s day late", "%(count)s days late"  # what {% trans count=n %} looks up
    env = environment(
        messages={"Installment": "Cuota mensual", late[0]: ["%(count)s día", "%(count)s días"]}
    )
    template = env.from_string(
        '{{ _("Installment") }} · {{ ngettext("%(num)d day late", "%(num)d days late", n) }}'
        " · {% trans count=n %}{{ count }} day late{% pluralize %}{{ count }} days late"
        "{% endtrans %}"
    )
    assert template.render(lang="es", n=1) == "Cuota mensual · 1 día de atraso · 1 día"
    assert template.render(lang="es", n=3) == "Cuota mensual · 3 días de atraso · 3 días"
    # a mapping is the co-op's text for the document it renders, whatever its language
    assert template.render(lang="pt_BR", n=2) == "Cuota mensual · 2 dias de atraso · 2 días"
    source = '{{ _("Installment") }} · {% trans count=n %}{{ count }} day late{% pluralize %}'
    plain = environment().from_string(source + "{{ count }} days late{% endtrans %}")
    assert plain.render(lang="en", n=2) == "Installment · 2 days late"
    assert plain.render(lang="pt_BR", n=1) == "Parcela · 1 day late"  # not in the catalogs


def test_autoescaped_translations_escape_their_values() -> None:
    env = environment()
    out = env.from_string('{{ _("Installment %(number)s", number=x) }}').render(lang="es", x="<b>")
    assert out == "Cuota <b>"  # not autoescaped: a from_string template is plain text
    html = _env._build(_env.template_search_path(), messages=None)
    html.autoescape = True
    assert html.from_string('{{ _("Installment %(number)s", number=x) }}').render(
        lang="es", x="<b>"
    ) == ("Cuota &lt;b&gt;")


def test_a_price_file_names_its_service_charges_per_language() -> None:
    prices = MilkPriceSchedule.from_dict(
        {
            "prices": [
                {
                    "from": "2026-01-01",
                    "to": "2026-12-31",
                    "service_charges": {"transport": "0.04", "recojo": "0.01"},
                }
            ],
            "service_names": {"recojo": {"es": "Recojo en chacra", "en": "Farm pickup"}},
        }
    )
    assert MilkPriceSchedule.from_dict(prices.to_dict()) == prices
    period = Period.parse("2026-01-01..2026-01-15")
    s = settle([Delivery(farmer="F01", date=period.start, litres=100)], prices, period)
    names = {"farmer_name": "Juana Quispe", "coop_name": "Manantial de Vida"}
    es = render_settlement(s.statement("F01"), s, **names)
    en = render_settlement(s.statement("F01"), s, **names, lang="en")
    assert "Servicio: Recojo en chacra" in es  # the price file's name
    assert "Servicio: Transporte" in es  # the catalog's name of a charge the library knows
    assert "Service: Farm pickup" in en
    assert "Service: Transport" in en


def test_a_service_name_must_name_a_charge_and_a_language() -> None:
    base = {"prices": [{"from": "2026-01-01", "to": "2026-12-31", "service_charges": {"a": "1"}}]}
    with pytest.raises(InvalidPriceSchedule, match=r"'service_names.b' names a service charge"):
        MilkPriceSchedule.from_dict({**base, "service_names": {"b": {"es": "B"}}})
    with pytest.raises(InvalidPriceSchedule, match=r"'service_names.a.fr' must name a language"):
        MilkPriceSchedule.from_dict({**base, "service_names": {"a": {"fr": "A"}}})


def _compiled_locale(tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of the bundled locale folder with each catalog compiled as the wheel build does
    (``hatch_build.py``: Babel, fuzzy entries left out), and the Spanish ``.po`` removed."""
    root = tmp_path / "locale"
    shutil.copytree(text.LOCALE_DIR, root)
    for po in root.glob("*/LC_MESSAGES/coopfinance.po"):
        with po.open("rb") as src:
            catalog = read_po(src, locale=po.parts[-3])
        with po.with_suffix(".mo").open("wb") as dst:
            write_mo(dst, catalog, use_fuzzy=False)
    (root / "es" / "LC_MESSAGES" / "coopfinance.po").unlink()
    return root


def _clear() -> None:
    text._bundled.cache_clear()
    text._plain.cache_clear()
    _env._cached.cache_clear()
    _env._WITH_MESSAGES.clear()


def test_a_spanish_document_from_the_compiled_catalog(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an installed wheel reads: the compiled ``.mo`` (here the Spanish ``.po`` is gone)."""
    monkeypatch.setattr(text, "LOCALE_DIR", _compiled_locale(tmp_path))
    _clear()
    try:
        assert isinstance(text._bundled("es"), gettext.GNUTranslations)
        out = render_schedule(golden_schedule(), **PARTIES, fmt="html")
        assert "<h1>Cronograma de pagos</h1>" in out
        par = environment().from_string('{{ t("portfolio.par_more_than", 1, days=1) }}')
        assert par.render(lang="es") == "Atraso de más de 1 día"  # plural forms compiled too
    finally:
        monkeypatch.undo()
        _clear()


def test_the_installed_wheel_ships_compiled_catalogs() -> None:
    """On the installed wheel (CI runs the suite there) every language has its ``.mo``, and a
    Spanish document is rendered from it."""
    if "site-packages" not in pathlib.Path(text.__file__).parts:
        pytest.skip("a source checkout reads the .po catalogs; the wheel ships them compiled")
    for lang in text.LANGUAGES:
        assert (text.LOCALE_DIR / lang / "LC_MESSAGES" / "coopfinance.mo").is_file(), lang
    assert isinstance(text._bundled("es"), gettext.GNUTranslations)
    out = render("schedule", schedule_context(golden_schedule(), **PARTIES), lang="es")
    assert out.startswith("# Cronograma de pagos")


def test_message_values_from_domain_code() -> None:
    msg = text.Message(msgid="%(num)d day late", plural="%(num)d days late", n=1, params={"num": 1})
    env = environment()
    assert env.from_string("{{ m|message }}").render(lang="es", m=msg) == "1 día de atraso"
    dated = text.Message(
        msgid="due %(date)s", context="dairy.row.due_on", params={"date": dt.date(2026, 2, 1)}
    )
    assert env.from_string("{{ m|message }}").render(lang="es", m=dated) == "vence el 01/02/2026"
    assert env.from_string("{{ m|message }}").render(
        lang="es", m=text.Message(msgid="%(x)s", params={"x": Decimal("1234.5")})
    ) == ("1,234.5")


@pytest.mark.parametrize("lang", ["en", "es", "pt_BR"])
def test_each_label_key_is_defined_once(lang: str) -> None:
    """A label key (a dotted ``msgctxt``) appended twice silently replaces the first text in
    every document that uses it (a new "Litres cooled" once renamed the liquidación's "Cooled")."""
    po = pathlib.Path(text.__file__).parent / "locale" / lang / "LC_MESSAGES" / "coopfinance.po"
    keys = re.findall(r'^msgctxt "([\w.]+\.[\w.]+)"$', po.read_text(encoding="utf-8"), re.M)
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, twice
