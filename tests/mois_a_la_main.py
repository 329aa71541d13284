"""Calendar months counted by hand: the oracle the tests compare parcours' month arithmetic with.

Written without ``calendar``, ``add_months`` nor numpy's months, so that a test's expected
date does not come from the code it checks. The rule is the policy language's (see
parcours.policies.durations): add calendar months, then clamp the day to the target month's
length. ``tests/code/test_mois_a_la_main.py`` holds it to a table of dates worked out by hand.
"""

from __future__ import annotations

from datetime import date

# Days in each month of a common year, January first.
_LONGUEURS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def bissextile(annee: int) -> bool:
    """Gregorian leap years: every fourth, except centuries not divisible by 400."""
    return annee % 4 == 0 and (annee % 100 != 0 or annee % 400 == 0)


def longueur(annee: int, mois: int) -> int:
    return 29 if mois == 2 and bissextile(annee) else _LONGUEURS[mois - 1]


def plus_mois(jour: date, n: int) -> date:
    """``jour`` plus ``n`` calendar months (``n`` may be negative), one month at a time."""
    annee, mois = jour.year, jour.month
    pas = 1 if n >= 0 else -1
    for _ in range(abs(n)):
        mois += pas
        if mois == 13:
            annee, mois = annee + 1, 1
        elif mois == 0:
            annee, mois = annee - 1, 12
    return date(annee, mois, min(jour.day, longueur(annee, mois)))


def jour_numero(jour: date) -> int:
    """Days since 1970-01-01 (the simulator's day numbers)."""
    return (jour - date(1970, 1, 1)).days
