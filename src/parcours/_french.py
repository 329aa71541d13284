"""French display of figures, the one home for it: numbers, shares, percentages, dates.

Every text parcours writes for a reader (the command line, the policy sheet, the bilans,
alert messages) formats its figures here: « 1 341 » (a narrow no-break space between
thousands), « 5,8 » (a decimal comma), « 35,3 % » (a space before the sign), « 01/06/2018 ».
Rounding is half-up, computed exactly on the decimal form of the value, so that 0,25 rounds
to 0,3 and a share of counts is exact. JSON and CSV outputs keep ISO dates and fractions.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = [
    "ESPACE_MILLIERS",
    "format_date",
    "format_decimal",
    "format_nombre",
    "format_part",
    "format_pourcentage",
    "format_taux",
]

#: The French thousands separator: a narrow no-break space.
ESPACE_MILLIERS = "\u202f"


def _arrondi(valeur: Fraction | Decimal, decimales: int) -> Decimal:
    if isinstance(valeur, Fraction):
        # exact: scale, round half-up on the integer, scale back
        scaled = valeur * 10**decimales
        entier = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
        return Decimal(entier).scaleb(-decimales)
    return valeur.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)


def _ecrire(d: Decimal) -> str:
    """A decimal in French: thousands grouped, a decimal comma, as many decimals as ``d`` has."""
    texte = f"{abs(d):f}"
    entier, _, frac = texte.partition(".")
    groupes = f"{int(entier):,}".replace(",", ESPACE_MILLIERS)
    signe = "-" if d < 0 and d != 0 else ""
    return signe + groupes + ("," + frac if frac else "")


def format_nombre(valeur: float | int | None, decimales: int = 0) -> str:
    """``1341`` → « 1 341 »; ``5.799`` with 1 decimal → « 5,8 »; None → « – »."""
    if valeur is None:
        return "–"
    return _ecrire(_arrondi(Decimal(repr(float(valeur))), decimales))


def format_decimal(valeur: float | int) -> str:
    """A value as written, in French: ``2.5`` → « 2,5 », ``4000`` → « 4 000 », ``2.0`` → « 2 »."""
    d = Decimal(repr(valeur)) if isinstance(valeur, float) else Decimal(valeur)
    return _ecrire(d.normalize())


def format_part(numerateur: int, denominateur: int, decimales: int = 1) -> str:
    """The share ``numerateur / denominateur`` as a percentage rounded half-up, exactly."""
    if not denominateur:
        return "–"
    pct = _arrondi(Fraction(numerateur * 100, denominateur), decimales)
    return _ecrire(pct) + " %"


def format_taux(valeur: float | None, decimales: int = 1) -> str:
    """A fraction (0.353) as a percentage (« 35,3 % »), rounded half-up on its decimal form."""
    if valeur is None:
        return "–"
    return _ecrire(_arrondi(Decimal(repr(float(valeur))) * 100, decimales)) + " %"


def format_pourcentage(valeur: float) -> str:
    """A fraction as the exact percentage it was written as: 1.0 → « 100 % », 0.353 → « 35,3 % »."""
    return _ecrire((Decimal(repr(float(valeur))) * 100).normalize()) + " %"


def format_date(jour: date) -> str:
    """« 01/06/2018 »."""
    return jour.strftime("%d/%m/%Y")
