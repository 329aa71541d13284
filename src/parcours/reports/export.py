"""A bilan as plain data: the JSON dictionary (a public contract) and pandas DataFrames.

The JSON keeps counts and exact rates (unrounded floats, ``null`` when there is nothing to
divide by); rounding is left to the renderers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.reports.model import Indicateurs, IndicateursDroits, Occupation

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = [
    "ENSEMBLE",
    "SCALAIRES",
    "bilan_dict",
    "bilan_frame",
    "droits_dict",
    "indicateurs_dict",
    "occupation_dict",
    "scalaires",
    "sorties_frame",
]

#: Row label of the whole in DataFrames.
ENSEMBLE = "ensemble"


def occupation_dict(occ: Occupation) -> dict[str, Any]:
    return {
        "jours": occ.jours,
        "jours_accompagnement": occ.jours_accompagnement,
        "occupation_moyenne": occ.occupation_moyenne,
        "places": occ.places,
        "taux_occupation": occ.taux_occupation,
        "etp": occ.etp,
        "charge_par_etp": occ.charge_par_etp,
        "portefeuille_par_etp": occ.portefeuille_par_etp,
        "par_mois": dict(occ.par_mois),
    }


def droits_dict(d: IndicateursDroits) -> dict[str, Any]:
    """The droits et devoirs indicators (flat keys of a bilan), each rate beside its mature delays."""
    return {
        "orientes": d.orientes,
        "taux_orientation_6_semaines": d.taux_orientation_6_semaines,
        "matures_orientation": d.matures_orientation,
        "orientations_dans_le_delai": d.orientations_dans_le_delai,
        "delai_median_orientation_jours": d.delai_median_orientation_jours,
        "contrats_engagement": d.contrats_engagement,
        "taux_contrat_1_mois": d.taux_contrat_1_mois,
        "matures_contrat": d.matures_contrat,
        "contrats_dans_le_delai": d.contrats_dans_le_delai,
        "delai_median_contrat_jours": d.delai_median_contrat_jours,
        "heures_hebdomadaires_moyennes": d.heures_hebdomadaires_moyennes,
        "contrats_avec_heures": d.contrats_avec_heures,
        "part_dispenses": d.part_dispenses,
        "dispenses": d.dispenses,
        "sanctions": d.sanctions,
        "taux_remobilisation": d.taux_remobilisation,
        "matures_remobilisation": d.matures_remobilisation,
        "remobilisations_dans_le_delai": d.remobilisations_dans_le_delai,
        "reexamens_en_retard": d.reexamens_en_retard,
    }


def indicateurs_dict(ind: Indicateurs) -> dict[str, Any]:
    act, ryt, occ, vei = ind.activite, ind.rythme, ind.occupation, ind.veille
    return {
        "accompagnees": ind.accompagnees,
        "sorties": ind.sorties,
        "encore_suivies_au_31_12": ind.encore_suivies,
        "entrees": ind.entrees,
        "sorties_par_motif": dict(ind.sorties_par_motif),
        "sorties_par_categorie": dict(ind.sorties_par_categorie),
        "sorties_positives": ind.sorties_positives,
        "taux_sorties_positives": ind.taux_sorties_positives,
        "sorties_emploi": ind.sorties_emploi,
        "duree_totale_jours": ind.duree_totale_jours,
        "duree_moyenne_mois": ind.duree_moyenne_mois,
        "duree_mediane_mois": ind.duree_mediane_mois,
        "objectifs": {
            k: {
                "libelle": r.libelle,
                "base": r.base,
                "numerateur": r.numerateur,
                "denominateur": r.denominateur,
                "taux_attendu": r.taux_attendu,
                "taux_obtenu": r.taux_obtenu,
                "atteint": r.atteint,
            }
            for k, r in ind.objectifs.items()
        },
        "repartition": {k: dict(v) for k, v in ind.repartition.items()},
        "cer_signes": act.cer_signes,
        "rendez_vous": act.rendez_vous,
        "rendez_vous_manques": act.rendez_vous_manques,
        "nombre_moyen_rendez_vous": ind.nombre_moyen_rendez_vous,
        "personnes_recues": act.personnes_recues,
        "personnes_mobilisees": act.personnes_mobilisees,
        "taux_mobilisation": act.taux_mobilisation,
        "entrees_accompagnement_global": act.entrees_accompagnement_global,
        "reorientations": act.reorientations,
        "rythme": {
            "echeances_dues": ryt.echeances_dues,
            "echeances_tenues": ryt.echeances_tenues,
            "echeances_depassees": ryt.echeances_depassees,
            "taux_respect": ryt.taux_respect,
        },
        "occupation": occupation_dict(occ),
        "veille": {
            "sorties_observees": vei.sorties_observees,
            "en_emploi": vei.en_emploi,
            "taux_emploi": vei.taux_emploi,
        },
        **droits_dict(ind.droits),
    }


def bilan_dict(b: Bilan) -> dict[str, Any]:
    return {
        "politique": b.politique,
        "periode": {
            "du": b.periode.du.isoformat(),
            "au": b.periode.au.isoformat(),
            "libelle": b.periode.libelle(),
        },
        "dispositif": b.dispositif,
        "source": b.source,
        "evenements": b.evenements,
        "lignes_ignorees": b.lignes_ignorees,
        "problemes": [{"numero": p.numero, "unite": p.unite, "message": p.message} for p in b.problemes],
        **indicateurs_dict(b.total),
        "par_dispositif": {
            ident: {"libelle": b.libelles.get(ident, ident), **indicateurs_dict(ind)}
            for ident, ind in b.par_dispositif.items()
        },
        "capacites_communes": {
            ident: {
                "libelle": c.libelle,
                "dispositifs": list(c.dispositifs),
                "occupation": occupation_dict(c.occupation),
            }
            for ident, c in b.capacites_communes.items()
        },
    }


#: The scalar indicators, in display order: (column, label, key path in
#: :func:`indicateurs_dict`). A frame's column is read from the one dictionary of a bilan.
SCALAIRES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("accompagnees", "Personnes accompagnées", ("accompagnees",)),
    ("sorties", "Personnes sorties", ("sorties",)),
    ("encore_suivies_au_31_12", "Personnes encore suivies en fin de période", ("encore_suivies_au_31_12",)),
    ("entrees", "Entrées en accompagnement", ("entrees",)),
    ("sorties_positives", "Sorties positives", ("sorties_positives",)),
    ("taux_sorties_positives", "Taux de sorties positives", ("taux_sorties_positives",)),
    ("sorties_emploi", "Sorties vers l'emploi", ("sorties_emploi",)),
    ("duree_moyenne_mois", "Durée moyenne d'accompagnement (mois)", ("duree_moyenne_mois",)),
    ("duree_mediane_mois", "Durée médiane d'accompagnement (mois)", ("duree_mediane_mois",)),
    ("cer_signes", "CER signés", ("cer_signes",)),
    ("rendez_vous", "Rendez-vous tenus", ("rendez_vous",)),
    ("nombre_moyen_rendez_vous", "Nombre moyen de rendez-vous par usager", ("nombre_moyen_rendez_vous",)),
    ("personnes_recues", "Personnes reçues", ("personnes_recues",)),
    ("personnes_mobilisees", "Personnes mobilisées", ("personnes_mobilisees",)),
    ("taux_mobilisation", "Taux de mobilisation", ("taux_mobilisation",)),
    (
        "entrees_accompagnement_global",
        "Entrées en accompagnement global",
        ("entrees_accompagnement_global",),
    ),
    ("echeances_dues", "Échéances d'entretien dues", ("rythme", "echeances_dues")),
    ("echeances_depassees", "Échéances d'entretien dépassées", ("rythme", "echeances_depassees")),
    ("taux_respect_rythme", "Respect du rythme des entretiens", ("rythme", "taux_respect")),
    ("occupation_moyenne", "Occupation moyenne (places)", ("occupation", "occupation_moyenne")),
    ("places", "Places (capacité)", ("occupation", "places")),
    ("taux_occupation", "Taux d'occupation", ("occupation", "taux_occupation")),
    ("charge_par_etp", "Personnes suivies par ETP", ("occupation", "charge_par_etp")),
    ("portefeuille_par_etp", "Portefeuille prévu par ETP", ("occupation", "portefeuille_par_etp")),
    ("veille_sorties_observees", "Sorties suivies en veille", ("veille", "sorties_observees")),
    ("taux_emploi_veille", "En emploi à l'issue de la veille", ("veille", "taux_emploi")),
)

#: Columns of SCALAIRES that are rates (fractions), displayed as percentages.
TAUX = frozenset(col for col, _, chemin in SCALAIRES if chemin[-1].startswith("taux_"))


def scalaires(ind: Indicateurs) -> dict[str, Any]:
    """The scalar indicators of :data:`SCALAIRES`, read from :func:`indicateurs_dict`."""
    donnees = indicateurs_dict(ind)
    out: dict[str, Any] = {}
    for colonne, _, chemin in SCALAIRES:
        valeur: Any = donnees
        for cle in chemin:
            valeur = valeur[cle]
        out[colonne] = valeur
    return out


def _lignes(b: Bilan) -> list[tuple[str, Indicateurs]]:
    rows = list(b.par_dispositif.items())
    if len(rows) > 1:
        rows.append((ENSEMBLE, b.total))
    return rows


def bilan_frame(b: Bilan) -> pd.DataFrame:
    """One row per dispositif (and ``ensemble``), one column per scalar indicator."""
    data = [
        {"dispositif": ident, "libelle": b.libelles.get(ident, "Ensemble"), **scalaires(ind)}
        for ident, ind in _lignes(b)
    ]
    return pd.DataFrame(data).set_index("dispositif")


def sorties_frame(b: Bilan) -> pd.DataFrame:
    """Exits by motif, long format: dispositif, motif, sorties, part (of the exits)."""
    data = [
        {"dispositif": ident, "motif": motif, "sorties": n, "part": n / ind.sorties if ind.sorties else None}
        for ident, ind in _lignes(b)
        for motif, n in ind.sorties_par_motif.items()
    ]
    return pd.DataFrame(data, columns=["dispositif", "motif", "sorties", "part"])
