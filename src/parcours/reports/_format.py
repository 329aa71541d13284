"""French display of figures: half-up rounded shares from counts, numbers, months, dates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = ["format_date", "format_nombre", "format_part", "format_taux"]

_ESPACE = "\u202f"  # narrow no-break space, the French thousands separator


def _arrondi(valeur: Fraction | Decimal, decimales: int) -> Decimal:
    if isinstance(valeur, Fraction):
        # exact: scale, round half-up on the integer, scale back
        scaled = valeur * 10**decimales
        entier = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
        return Decimal(entier).scaleb(-decimales)
    return valeur.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)


def format_nombre(valeur: float | int | None, decimales: int = 0) -> str:
    """``1341`` → « 1 341 »; ``5.799`` with 1 decimal → « 5,8 »; None → « – »."""
    if valeur is None:
        return "–"
    d = _arrondi(Decimal(str(valeur)), decimales)
    entier, _, frac = f"{abs(d):.{decimales}f}".partition(".")
    groupes = f"{int(entier):,}".replace(",", _ESPACE)
    signe = "-" if d < 0 else ""
    return signe + groupes + ("," + frac if frac else "")


def format_part(numerateur: int, denominateur: int, decimales: int = 1) -> str:
    """The share ``numerateur / denominateur`` as a percentage rounded half-up, exactly."""
    if not denominateur:
        return "–"
    pct = _arrondi(Fraction(numerateur * 100, denominateur), decimales)
    return f"{pct:.{decimales}f}".replace(".", ",") + " %"


def format_taux(valeur: float | None, decimales: int = 1) -> str:
    """A fraction (0.353) as a percentage (« 35,3 % »), rounded half-up on its decimal form."""
    if valeur is None:
        return "–"
    pct = _arrondi(Decimal(str(valeur)) * 100, decimales)
    return f"{pct:.{decimales}f}".replace(".", ",") + " %"


def format_date(jour: date) -> str:
    return jour.strftime("%d/%m/%Y")
