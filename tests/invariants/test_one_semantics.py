"""Property 9 of docs/invariants.md: one reading of a policy.

For every bundled and generated policy and any date, the rules the engine enforces (its
compiled rules), the ones the simulation kernel draws from (its per-day arrays) and what
``parcours afficher --date`` shows are the same values; the three agree on whether each
dispositif is open that day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours import load_policy
from parcours.engine import Engine
from parcours.policies.cli import _snapshot
from parcours.policies.cohort import find_cohorte
from parcours.policies.rules import CHEMINS
from parcours.policies.schema import Policy
from parcours.simulation._calendar import en_mois_jours, jour
from parcours.simulation._default import cohorte_par_defaut
from parcours.simulation.tables import Tableaux, compiler
from parcours.testing import CasPolitique, politiques_valides

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")
# attribute of the engine's rules → (array of the kernel's tables, kind of value)
_NOYAU = {
    "places": ("capacite", "nombre"),
    "renouvellements_max": ("renouvellements_max", "nombre"),
    "cer": ("cer", "duree"),
    "maximum": ("maximum", "duree"),
    "rythme": ("intervalle_max", "duree"),
    "pendant": ("phase_demarrage", "duree"),
    "rythme_demarrage": ("intervalle_demarrage", "duree"),
    "veille": ("veille", "duree"),
}
_ABSENT = {"capacite": float("inf"), "renouvellements_max": -1}


def _policies() -> st.SearchStrategy[Policy]:
    return st.one_of(
        st.sampled_from(BUNDLED).map(load_policy), politiques_valides().map(CasPolitique.charger)
    )


def _jours(policy: Policy) -> st.SearchStrategy[date]:
    """A day near a date of effect (where rules change), or anywhere from 2008 to 2040."""
    dates = policy.dates_effet()
    autour = (
        [st.sampled_from(dates).flatmap(lambda d: st.sampled_from((d - timedelta(days=1), d)))]
        if dates
        else []
    )
    return st.one_of(*autour, st.dates(date(2008, 1, 1), date(2040, 12, 31)))


def _noyau(tables: Tableaux, attribut: str, off: int) -> Any:
    """The kernel's value of a rule on day ``off`` (None: absent), in the engine's terms."""
    tableau, genre = _NOYAU[attribut]
    serie = getattr(tables, tableau)
    if genre == "nombre":
        valeur = serie[off]
        return None if valeur == _ABSENT.get(tableau) else int(valeur)
    if not serie.defini[off]:
        return None
    return (int(serie.mois[off]), int(serie.jours[off]))


def _engine(valeur: Any, attribut: str) -> Any:
    if valeur is None or _NOYAU[attribut][1] == "nombre":
        return valeur
    return en_mois_jours(valeur)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_engine_kernel_and_afficher_read_the_same_rules(data: st.DataObject) -> None:
    policy = data.draw(_policies())
    jour_vu = data.draw(_jours(policy))
    engine = Engine(policy)
    affiche = {r.chemin: r.valeur for r in _snapshot(policy, jour_vu)}
    cohorte = find_cohorte(policy) or cohorte_par_defaut(policy, jour_vu)
    for ident, dispositif in policy.dispositifs.items():
        regles = engine.etat_dispositif(ident).regles
        en_vigueur = regles.au(jour_vu)
        ouvert = regles.ouvert(jour_vu)
        # the kernel over a few days around the day asked for (a dispositif the cohort model
        # leaves out, having nothing to draw its exits from, is not simulated)
        modele = cohorte.dispositifs.get(ident)
        tables = None if modele is None else compiler(ident, dispositif, modele, jour(jour_vu) - 3, 7)
        # the day's offset in the kernel's arrays (they start earlier for an initial stock)
        off = 3 if tables is None else jour(jour_vu) - tables.debut
        assert tables is None or bool(tables.ouvert[off]) == ouvert, ident
        assert (f"dispositifs.{ident}" in affiche) == (not ouvert), ident
        if not ouvert:
            assert str(affiche[f"dispositifs.{ident}"]).startswith("(pas ouvert"), ident
            continue
        assert en_vigueur is not None
        for attribut, chemin in CHEMINS.items():
            valeur = en_vigueur.valeur(attribut)
            assert affiche.get(f"dispositifs.{ident}.{chemin}") == valeur, (ident, chemin, jour_vu)
            if tables is not None and attribut in _NOYAU and not (attribut == "cer" and valeur is None):
                # (a CER the policy does not set is 6 months for the kernel: DEFAUTS["cer"])
                assert _noyau(tables, attribut, off) == _engine(valeur, attribut), (ident, attribut, jour_vu)
