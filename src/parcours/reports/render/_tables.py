"""The tables of a bilan as rows of display strings, shared by the Markdown and HTML renderings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from parcours._french import format_nombre, format_part, format_taux
from parcours.reports.model import Indicateurs, IndicateursDroits

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = [
    "Table",
    "capacites_communes",
    "compte",
    "droits",
    "indicateurs",
    "profils",
    "sorties",
    "tableau_annuel",
]

#: The title of the droits et devoirs tables.
TITRE_DROITS = "Droits et devoirs (loi pour le plein emploi)"

Table = tuple[list[str], list[list[str]]]  # header, rows


def compte(n: int, un: str, plusieurs: str) -> str:
    """``n`` and the noun it counts, singular up to 1 (« 0 ligne ignorée », « 2 lignes »)."""
    return f"{format_nombre(n)} {plusieurs if n > 1 else un}"


def _ind(b: Bilan, ident: str | None) -> Indicateurs | None:
    return b.total if ident is None else b.par_dispositif.get(ident)


def tableau_annuel(b: Bilan, ident: str | None, precedents: Sequence[Bilan] = ()) -> Table:
    """Seed 002's table: accompanied, exited, still followed, one column per period."""
    periodes = [*precedents, b]
    header = ["", *(p.periode.libelle() for p in periodes)]
    rows: list[list[str]] = []
    fin = "au 31/12" if b.periode.est_annee else "en fin de période"
    for label, attr in (
        ("Personnes accompagnées", "accompagnees"),
        ("Personnes sorties", "sorties"),
        (f"Personnes encore suivies {fin}", "encore_suivies"),
    ):
        cells = []
        for p in periodes:
            ind = _ind(p, ident)
            cells.append(format_nombre(getattr(ind, attr)) if ind is not None else "–")
        rows.append([label, *cells])
    return header, rows


def sorties(b: Bilan, ident: str | None, libelles: dict[str, str]) -> Table:
    ind = _ind(b, ident)
    assert ind is not None
    rows = [
        [libelles.get(m, m), format_nombre(n), format_part(n, ind.sorties)]
        for m, n in sorted(ind.sorties_par_motif.items(), key=lambda kv: -kv[1])
    ]
    rows.append(["Total", format_nombre(ind.sorties), format_part(ind.sorties, ind.sorties)])
    return ["Motif de sortie", "Personnes", "Part"], rows


def indicateurs(ind: Indicateurs) -> Table:
    act, ryt, occ, vei = ind.activite, ind.rythme, ind.occupation, ind.veille
    rows = [
        ["Entrées en accompagnement", format_nombre(ind.entrees)],
        ["Taux de sorties positives", format_part(ind.sorties_positives, ind.sorties)],
        ["Durée moyenne d'accompagnement (sorties)", f"{format_nombre(ind.duree_moyenne_mois, 1)} mois"],
        ["Durée médiane d'accompagnement (sorties)", f"{format_nombre(ind.duree_mediane_mois, 1)} mois"],
        ["CER signés", format_nombre(act.cer_signes)],
        [
            "Rendez-vous tenus (manqués)",
            f"{format_nombre(act.rendez_vous)} ({format_nombre(act.rendez_vous_manques)})",
        ],
        ["Nombre moyen de rendez-vous par usager", format_nombre(ind.nombre_moyen_rendez_vous, 1)],
        ["Personnes reçues", format_nombre(act.personnes_recues)],
        ["Taux de mobilisation", format_part(act.personnes_mobilisees, act.personnes_recues)],
        ["Entrées en accompagnement global", format_nombre(act.entrees_accompagnement_global)],
        [
            "Échéances d'entretien tenues / dues",
            f"{format_nombre(ryt.echeances_tenues)} / {format_nombre(ryt.echeances_dues)}",
        ],
        ["Respect du rythme des entretiens", format_part(ryt.echeances_tenues, ryt.echeances_dues)],
        ["Échéances dépassées", format_nombre(ryt.echeances_depassees)],
        [
            "Occupation moyenne / places",
            f"{format_nombre(occ.occupation_moyenne, 1)} / {format_nombre(occ.places, 1)}",
        ],
        ["Taux d'occupation", format_taux(occ.taux_occupation)],
        [
            "Personnes suivies par ETP (prévu)",
            f"{format_nombre(occ.charge_par_etp, 1)} ({format_nombre(occ.portefeuille_par_etp)})",
        ],
        ["En emploi à l'issue de la veille", format_part(vei.en_emploi, vei.sorties_observees)],
    ]
    for res in ind.objectifs.values():
        attendu = format_taux(res.taux_attendu, 0)
        obtenu = format_part(res.numerateur, res.denominateur)
        etat = {True: "atteint", False: "non atteint", None: "–"}[res.atteint]
        rows.append([f"Objectif : {res.libelle}", f"{obtenu} pour {attendu} attendus ({etat})"])
    return ["Indicateur", "Valeur"], rows


_ECHUS = {"délai": ("aucun délai échu", "délai échu", "délais échus")}
_ECHUS["suspension"] = ("aucune suspension échue", "suspension échue", "suspensions échues")


def _delais(dans: int, matures: int, quoi: str) -> str:
    aucun, un, plusieurs = _ECHUS[quoi]
    if not matures:
        return f"– ({aucun})"
    mot = un if matures == 1 else plusieurs
    return f"{format_part(dans, matures)} ({format_nombre(dans)} sur {format_nombre(matures)} {mot})"


def _jours(valeur: float | None) -> str:
    return "–" if valeur is None else f"{format_nombre(valeur, 1)} jours"


def droits(d: IndicateursDroits) -> Table | None:
    """The droits et devoirs indicators (None: the period has none); each rate with the number
    of mature delays it is computed on."""
    if not (d.evenements or d.reexamens_en_retard):
        return None
    heures = d.heures_hebdomadaires_moyennes
    rows = [
        ["Personnes orientées", format_nombre(d.orientes)],
        [
            "Orientées dans le délai de six semaines",
            _delais(d.orientations_dans_le_delai, d.matures_orientation, "délai"),
        ],
        ["Délai médian d'orientation", _jours(d.delai_median_orientation_jours)],
        ["Contrats d'engagement signés", format_nombre(d.contrats_engagement)],
        [
            "Contrats signés dans le mois de l'orientation",
            _delais(d.contrats_dans_le_delai, d.matures_contrat, "délai"),
        ],
        ["Délai médian de signature du contrat", _jours(d.delai_median_contrat_jours)],
        [
            "Heures hebdomadaires moyennes au contrat",
            "–" if heures is None else f"{format_nombre(heures, 1)} h",
        ],
        ["Part des contrats avec dispense", format_part(d.dispenses, d.contrats_engagement)],
        ["Sanctions (suspension-remobilisation)", format_nombre(d.sanctions)],
        [
            "Suspensions levées par une remobilisation",
            _delais(d.remobilisations_dans_le_delai, d.matures_remobilisation, "suspension"),
        ],
        [
            "Réexamens d'accompagnement social en retard en fin de période",
            format_nombre(d.reexamens_en_retard),
        ],
    ]
    return ["Indicateur", "Valeur"], rows


_PROFILS = {
    "sexe": "Sexe",
    "tranche_age": "Âge",
    "niveau_formation": "Niveau de formation",
    "handicap": "Travailleur handicapé",
    "minimum_social": "Minimum social",
}
_VALEURS = {"true": "oui", "false": "non", "F": "Femmes", "H": "Hommes"}


def profils(ind: Indicateurs) -> list[tuple[str, Table]]:
    result = []
    for cle, valeurs in ind.repartition.items():
        renseignes = sum(valeurs.values())
        rows = [
            [_VALEURS.get(v, v), format_nombre(n), format_part(n, ind.accompagnees)]
            for v, n in sorted(valeurs.items(), key=lambda kv: -kv[1])
        ]
        if renseignes < ind.accompagnees:
            manque = ind.accompagnees - renseignes
            rows.append(["Non renseigné", format_nombre(manque), format_part(manque, ind.accompagnees)])
        result.append(
            (_PROFILS.get(cle, cle.replace("_", " ").capitalize()), (["", "Personnes", "Part"], rows))
        )
    return result


def capacites_communes(b: Bilan) -> Table | None:
    """The policy's shared capacities: occupancy of all their dispositifs against the quota."""
    if not b.capacites_communes:
        return None
    rows = [
        [
            c.libelle,
            ", ".join(b.libelles.get(d, d) for d in c.dispositifs),
            format_nombre(c.occupation.occupation_moyenne, 1),
            format_nombre(c.occupation.places, 1),
            format_taux(c.occupation.taux_occupation),
        ]
        for c in b.capacites_communes.values()
    ]
    return ["Capacité partagée", "Dispositifs", "Occupation moyenne", "Places", "Taux d'occupation"], rows
