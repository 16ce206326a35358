"""The chart of accounts the journal posts to: a role per kind of balance, mapped to an account
code and name. The default is the Peruvian **Plan Contable General Empresarial** (PCGE, 2019
edition, as Odoo's Peruvian localisation ``addons/l10n_pe/data/template/account.account-pe.csv``
lists it; reference ``peru-regulation-and-coop-accounts.md`` §3.1). Which code holds which co-op
item is the mapping of that reference (its marks [B]/[C] are repeated in docs/accounts.md); a co-op
maps the roles to its own codes with :meth:`Chart.with_codes`.

>>> PCGE.account("loan_member").code, PCGE.account("contributions").code
('1422', '5012')
>>> PCGE.with_codes({"cash": "101"}).account("cash").code
'101'
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from coopfinance.book._errors import BookError
from coopfinance.errors import E_

__all__ = ["PCGE", "ROLES", "Account", "Chart"]


@attrs.frozen(slots=True)
class Account:
    """An account of the chart: its code (text: leading digits and depth are kept) and name."""

    code: str
    name: str


_PCGE: dict[str, tuple[str, str]] = {
    "cash": ("1041", "Cuentas corrientes operativas"),
    "buyer_receivable": ("1212", "Facturas, boletas y otros comprobantes por cobrar - en cartera"),
    "loan_member": ("1422", "Accionistas (o socios) - Préstamos"),
    "loan_interest_member": ("1422.1", "Préstamos a socios - intereses y cargos por cobrar"),
    "other_receivable_member": ("1429", "Otras cuentas por cobrar a socios"),
    "loan_third": ("1612", "Préstamos - sin garantía"),
    "loan_interest_third": ("1631", "Intereses, regalías y dividendos - intereses"),
    "other_receivable_third": ("1689", "Otras cuentas por cobrar diversas"),
    "allowance_member": ("1932", "Estimación - cuentas por cobrar a accionistas (socios)"),
    "allowance_third": ("1941", "Estimación - préstamos (terceros)"),
    "accumulated_depreciation": ("3914", "Depreciación acumulada - propiedades, planta y equipo"),
    "milk_payable": ("4212", "Facturas, boletas y otros comprobantes por pagar - emitidas"),
    "surplus_payable": ("4412", "Accionistas (socios) - excedentes por pagar"),
    "member_payable": ("4419", "Accionistas (socios) - otras cuentas por pagar"),
    "borrower_credit": ("4699", "Otras cuentas por pagar diversas - saldos a favor"),
    "third_party_savings": ("4699.1", "Otras cuentas por pagar diversas - ahorros de terceros"),
    "contributions": ("5012", "Capital social - participaciones (aportaciones)"),
    "reserve": ("582", "Reservas - legal (reserva cooperativa)"),
    "education_fund": ("584", "Reservas - estatutarias (fondo de educación)"),
    "other_funds": ("589", "Otras reservas (fondos estatutarios)"),
    "remanente": ("5911", "Utilidades no distribuidas (remanente)"),
    "milk_cost": ("6011", "Mercaderías - compras (leche)"),
    "staff": ("6211", "Remuneraciones - sueldos y salarios"),
    "transport": ("6311", "Transporte de carga"),
    "chilling": ("6361", "Energía eléctrica (enfriamiento)"),
    "borrowing_interest": ("6731", "Intereses por préstamos de instituciones financieras"),
    "other_cost": ("6599", "Otros gastos de gestión"),
    "depreciation": ("6814", "Depreciación de propiedades, planta y equipo"),
    "provision_member": ("68713", "Estimación de cuentas de cobranza dudosa - socios"),
    "provision_third": ("68714", "Estimación de cuentas de cobranza dudosa - diversas"),
    "milk_sales": ("70121", "Mercaderías - venta local - terceros (leche)"),
    "service_income": ("70321", "Servicios terminados - venta local"),
    "recoveries": ("7551", "Recuperación de cuentas de cobranza dudosa"),
    "other_income": ("7599", "Otros ingresos de gestión"),
    "loan_fees": ("7599.1", "Otros ingresos de gestión - comisiones y cargos por mora"),
    "loan_interest_income": ("7723", "Rendimientos ganados - préstamos otorgados"),
}

ROLES: tuple[str, ...] = tuple(_PCGE)
"""Every role the journal posts to."""


@attrs.frozen(slots=True)
class Chart:
    """A chart of accounts: ``{role: Account}`` for every role in :data:`ROLES`."""

    name: str
    accounts: tuple[tuple[str, Account], ...]

    def account(self, role: str) -> Account:
        """The account of ``role``."""
        for r, a in self.accounts:
            if r == role:
                return a
        raise BookError(
            E_(
                "'role' %(role)s is not in the chart %(name)s.",
                role=repr(role),
                name=repr(self.name),
            ),
            field="role",
            value=role,
        )

    def with_codes(
        self, codes: Mapping[str, str | tuple[str, str]], name: str | None = None
    ) -> Chart:
        """This chart with the co-op's own code (or ``(code, name)``) for some roles."""
        unknown = sorted(set(codes) - set(ROLES))
        if unknown:
            raise BookError(
                E_(
                    "'codes' names a role the journal does not use: %(unknown)s (roles: "
                    "%(roles)s).",
                    unknown=repr(unknown[0]),
                    roles=", ".join(ROLES),
                ),
                field="codes",
                value=unknown[0],
            )
        out = []
        for role, acc in self.accounts:
            given = codes.get(role)
            if given is None:
                out.append((role, acc))
            elif isinstance(given, str):
                out.append((role, Account(given, acc.name)))
            else:
                out.append((role, Account(given[0], given[1])))
        seen: dict[str, str] = {}
        for role, acc in out:
            if acc.code in seen:
                raise BookError(
                    E_(
                        "'codes': roles %(seen)s and %(role)s share the code %(code)s.",
                        seen=repr(seen[acc.code]),
                        role=repr(role),
                        code=repr(acc.code),
                    ),
                    field="codes",
                    value=acc.code,
                )
            seen[acc.code] = role
        return Chart(name or self.name, tuple(out))


PCGE = Chart("PCGE 2019", tuple((r, Account(c, n)) for r, (c, n) in _PCGE.items()))
"""The default chart: PCGE codes (see the module docstring for the source)."""
