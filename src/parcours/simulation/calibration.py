"""``calibrate``: fit a policy's cohort model to a published table (``parcours calibrer``).

    >>> from parcours.simulation import calibrate
    >>> calee = calibrate("meurthe_et_moselle", "meurthe_et_moselle")      # doctest: +SKIP
    >>> calee.write("policies/cohortes/meurthe_et_moselle.yaml")          # doctest: +SKIP

What is fitted, dispositif by dispositif, from the cells marked ``ajuster`` (the others are
only compared):

- the flows (:mod:`parcours.simulation._fit`): arrivals per period, exit hazards, initial
  stock, to the counts (accompanied, exited, still followed...) on common random numbers;
- the stock of each later period's first day: the still followed the table publishes for the
  day before (a run starting on 1 January 2017 starts with the people of 31 December 2016);
- the mix of exit reasons (``part_sorties.<motif>``) and the profile (``profil.<var>.<val>``):
  the published shares themselves, as a dispositif draws them (a group's shares go to each
  of its dispositifs);
- the veille (``taux_emploi_veille``): who is in work at the veille point after an exit of a
  motif not marked « emploi », so that the period's exits give the published share.

Every fitted value says so (``hypothese: true`` and its ``raison``, with the table's lines);
each dispositif's ``calage`` lists the cells, what the fitted model gives for them (mean of
the same ``runs`` simulations) and the residuals. The fit starts from the table, not from the
cohort's current values: fitting the bundled files again gives the same files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from parcours.errors import PolicyError, Problem
from parcours.policies.cohort import CelluleCalee, Cohorte, CohorteDispositif
from parcours.policies.rules import ReglesDatees
from parcours.policies.schema import Policy
from parcours.simulation._calendar import date_de, jour
from parcours.simulation._fit import FLUX, Probleme, ajuster
from parcours.simulation.measures import mesurer, moyennes, verifier_cellules
from parcours.simulation.published import CellulePubliee, TableauPublie, read_table
from parcours.simulation.simulation import load_source, resolve_cohort, run
from parcours.simulation.tables import compiler

__all__ = ["METHODE", "CohorteCalee", "calibrate"]

METHODE = (
    "moindres carrés (scipy.optimize.least_squares) sur les moyennes de {runs} simulations "
    "à graines communes (graine {graine}), écarts divisés par max(15 % du chiffre publié, 4 personnes)"
)
Progression = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CohorteCalee:
    """A cohort model fitted to a published table, with its residuals cell by cell."""

    cohorte: Cohorte
    tableau: TableauPublie
    entete: str
    cellules: dict[str, tuple[CelluleCalee, ...]] = field(default_factory=dict)

    def texte(self) -> str:
        """The cohort model as a YAML file (the form of the bundled ``policies/cohortes/``)."""
        from parcours.simulation._cohort_yaml import cohort_text

        return cohort_text(self.cohorte, self.entete)

    def write(self, chemin: str | os.PathLike[str]) -> None:
        Path(chemin).write_text(self.texte(), encoding="utf-8")


def _lignes(cellules: list[CellulePubliee]) -> str:
    """« lignes 2 à 7, 9 à 11 »: the table's lines of some cells."""
    numeros = sorted({c.ligne for c in cellules})
    suites: list[list[int]] = []
    for n in numeros:
        if suites and n == suites[-1][-1] + 1:
            suites[-1].append(n)
        else:
            suites.append([n])
    texte = ", ".join(f"{s[0]} à {s[-1]}" if len(s) > 2 else ", ".join(map(str, s)) for s in suites)
    return ("ligne " if len(numeros) == 1 else "lignes ") + texte


def _hypothese(valeur: Any, raison: str, debut: date | None = None) -> dict[str, Any]:
    return {"debut": debut, "valeur": valeur, "hypothese": True, "raison": raison}


def _source(cellule: CellulePubliee) -> dict[str, Any] | None:
    return None if cellule.source is None else cellule.source.model_dump(exclude_none=True)


def _parts(base: dict[str, Any], ident: str, cellules: list[CellulePubliee], tableau: str) -> list[str]:
    """Put the published shares (exit reasons, profile) into the dispositif's model."""
    ajustes: list[str] = []
    groupes: dict[tuple[str, ...], list[CellulePubliee]] = {}
    for c in cellules:
        if (
            ident in c.dispositifs
            and c.usage == "ajuster"
            and c.indicateur.startswith(("part_sorties.", "profil."))
        ):
            cle = (
                ("sorties", "motifs")
                if c.indicateur.startswith("part_sorties.")
                else ("profil", c.indicateur.split(".")[1])
            )
            groupes.setdefault(cle, []).append(c)
    for (bloc, nom), groupe in groupes.items():
        total = sum(c.valeur for c in groupe)
        parts: dict[str, Any] = {}
        for c in groupe:
            modalite = c.indicateur.split(".")[-1]
            version: dict[str, Any] = {"valeur": c.valeur / total, "source": _source(c)}
            raisons = [c.raison] if c.raison else []
            if len(c.dispositifs) > 1:
                raisons.append(
                    f"Part publiée pour {len(c.dispositifs)} dispositifs ensemble, appliquée à chacun."
                )
            if abs(total - 100.0) > 0.05:  # more than the rounding of the published shares
                somme = f"{total:g}".replace(".", ",")
                raisons.append(f"Parts publiées ramenées à 100 % (elles font {somme} %).")
            if raisons or c.hypothese:
                version["hypothese"] = True
            version["raison"] = " ".join([*raisons, f"Tableau {tableau}, ligne {c.ligne}."])
            parts[modalite] = {"versions": [version]}
        cible = base.setdefault(bloc, {}) if bloc == "profil" else base[bloc]
        cible[nom] = parts
        ajustes.append(f"{bloc}.{nom}")
    return ajustes


def _probleme(
    pol: Policy,
    ident: str,
    base: dict[str, Any],
    cellules: list[CellulePubliee],
    du: date,
    au: date,
    graines: tuple[np.random.SeedSequence, ...],
) -> Probleme | None:
    """The flows to fit for one dispositif, or ``None`` when the table has no count for it."""
    flux = tuple(
        c for c in cellules if c.dispositifs == (ident,) and c.indicateur in FLUX and c.usage == "ajuster"
    )
    if not flux:
        return None
    if len(base["arrivees"]["flux"]) != 1:
        raise PolicyError(
            f"{ident} : calibrer n'ajuste qu'un flux d'arrivées par dispositif "
            f"(le modèle en a {len(base['arrivees']['flux'])})"
        )
    regles = ReglesDatees(ident, pol.dispositifs[ident])
    stock = regles.ouverture is None or regles.ouverture < du
    origine = du
    if stock:
        essai = {
            **base,
            "stock_initial": {
                **(base.get("stock_initial") or {}),
                "effectif": {"versions": [{"valeur": 1.0}]},
            },
        }
        tableaux = compiler(
            ident, pol.dispositifs[ident], CohorteDispositif.model_validate(essai), jour(du), 1
        )
        origine = date_de(tableaux.debut)
    return Probleme(ident, pol.dispositifs[ident].model_dump(), base, flux, du, au, stock, origine, graines)


def _marquer(versions: list[dict[str, Any]], raison: str) -> None:
    for version in versions:
        version.update(hypothese=True, raison=raison, source=None)


def _stocks_suivants(
    effectif: list[dict[str, Any]], cellules: list[CellulePubliee], ident: str, tableau: str
) -> None:
    """Each later period's first day starts with the still followed published the day before."""
    for c in sorted(cellules, key=lambda c: c.periode.du):
        if c.dispositifs != (ident,) or c.indicateur != "encore_suivies":
            continue
        lendemain = c.periode.au + timedelta(days=1)
        if any(c2.periode.du == lendemain and c2.dispositifs == (ident,) for c2 in cellules):
            effectif.append(
                {
                    "debut": lendemain,
                    "valeur": c.valeur,
                    "source": _source(c),
                    "raison": f"Encore suivies au {c.periode.au.strftime('%d/%m/%Y')} "
                    f"({tableau}, ligne {c.ligne}).",
                }
            )


def _flux(pb: Probleme, tableau: str) -> tuple[dict[str, Any], list[str]]:
    """Fit the flows of one dispositif; its model with every fitted value flagged."""
    ajustement = ajuster(pb)
    data = ajustement.cohorte.model_dump()
    lignes = _lignes(list(pb.cellules))
    raison = f"Ajusté par « parcours calibrer » à {tableau}, {lignes} (écarts simulé − publié : voir calage)."
    flux, forme = next(iter(data["arrivees"]["flux"].items()))
    unite = "par_an" if forme.get("par_an") is not None else "par_mois"
    chemins = [
        f"arrivees.flux.{flux}.{unite}",
        "sorties.en_cours_de_periode",
        "sorties.en_premiere_periode",
        "sorties.au_bilan",
    ]
    _marquer(forme[unite]["versions"], raison)
    for cle in ("en_cours_de_periode", "en_premiere_periode", "au_bilan"):
        _marquer(data["sorties"][cle]["versions"], raison)
    if pb.stock:
        _marquer(data["stock_initial"]["effectif"]["versions"], raison)
        chemins.append("stock_initial.effectif")
    effectif = list((data.get("stock_initial") or {}).get("effectif", {}).get("versions", ()))
    avant = len(effectif)
    _stocks_suivants(effectif, list(pb.cellules), pb.ident, tableau)
    if len(effectif) > avant:
        data["stock_initial"] = {**(data.get("stock_initial") or {}), "effectif": {"versions": effectif}}
    return data, chemins


def _veille(
    pol: Policy,
    ident: str,
    data: dict[str, Any],
    cellule: CellulePubliee,
    etendue: tuple[date, date],
    graines: tuple[np.random.SeedSequence, ...],
    tableau: str,
) -> None:
    """The share in work at the veille point after another exit, so that the period's exits
    give the published share (the count is linear in it: one set of runs decides it)."""
    suivi = data.get("veille")
    if suivi is None:
        raise PolicyError(
            Problem(
                f"{ident} : taux_emploi_veille sans bloc « veille » dans le modèle de cohorte",
                fichier=tableau,
                ligne=cellule.ligne,
                attendu="veille.en_emploi_apres_sortie_emploi dans le modèle de départ",
            )
        )
    essai = {**data, "veille": {**suivi, "en_emploi_apres_autre_sortie": {"versions": [{"valeur": 0.0}]}}}
    debut, n = jour(etendue[0]), jour(etendue[1]) - jour(etendue[0]) + 1
    tableaux = compiler(ident, pol.dispositifs[ident], CohorteDispositif.model_validate(essai), debut, n)
    du, au = jour(cellule.periode.du), jour(cellule.periode.au)
    vues = emplois = autres = 0
    for graine in graines:
        t = run({ident: tableaux}, None, graine, evenements=False, entretiens=False)[ident]
        assert t.veille_emploi is not None
        vu = (
            (t.demarrage >= 0)
            & (t.sortie >= du)
            & (t.sortie <= au)
            & (t.fin_veille >= 0)
            & (t.fin_veille <= t.fin)
        )
        emploi = (t.motif >= 0) & t.regles.emploi[np.maximum(t.motif, 0)]
        vues += int(vu.sum())
        autres += int((vu & ~emploi).sum())
        emplois += int((vu & emploi & t.veille_emploi).sum())
    part = (
        0.0 if autres == 0 else float(np.clip((cellule.valeur / 100.0 * vues - emplois) / autres, 0.0, 1.0))
    )
    raison = f"Ajusté par « parcours calibrer » à {tableau}, ligne {cellule.ligne} (écart : voir calage)."
    data["veille"] = {
        **suivi,
        "en_emploi_apres_autre_sortie": {"versions": [_hypothese(round(part, 4), raison)]},
    }


def _verifier_usages(tableau: TableauPublie) -> None:
    """A count published for several dispositifs together cannot be fitted (only compared)."""
    problemes = [
        Problem(
            f"« {c.indicateur} » publié pour {len(c.dispositifs)} dispositifs ensemble : un total ne "
            "se répartit pas entre eux",
            fichier=tableau.fichier,
            ligne=c.ligne,
            chemin="usage",
            attendu="comparer (seules les parts d'un groupe s'ajustent)",
        )
        for c in tableau.cellules
        if c.usage == "ajuster"
        and len(c.dispositifs) > 1
        and not c.indicateur.startswith(("part_sorties.", "profil."))
    ]
    if problemes:
        raise PolicyError(problemes)


def _mesures(
    pol: Policy,
    cohorte: Cohorte,
    tableau: TableauPublie,
    du: date,
    au: date,
    graines: tuple[np.random.SeedSequence, ...],
) -> dict[int, float | None]:
    """Each cell's mean over the runs of the fitted model (cells by line)."""
    from parcours.simulation.simulation import prepare

    idents = sorted({d for c in tableau.cellules for d in c.dispositifs})
    _, _, _, _, regles = prepare(pol, cohorte, du, au)
    regles = {i: regles[i] for i in idents}
    valeurs: dict[int, list[float | None]] = {c.ligne: [] for c in tableau.cellules}
    for graine in graines:
        trajectoires = run(regles, None, graine, evenements=False, entretiens=False)
        for c in tableau.cellules:
            valeurs[c.ligne].append(mesurer(trajectoires, c))
    return {ligne: moyennes(v) for ligne, v in valeurs.items()}


def _calee(c: CellulePubliee, simule: float | None) -> CelluleCalee:
    return CelluleCalee(
        ligne=c.ligne,
        periode=c.libelle_periode,
        indicateur=c.indicateur,
        groupe="+".join(c.dispositifs) if len(c.dispositifs) > 1 else None,
        publie=c.valeur,
        simule=None if simule is None else round(simule, 2),
        ecart=None if simule is None else round(simule - c.valeur, 2),
    )


def _lancer(
    problemes: Mapping[str, Probleme], tableau: str, executor: Any, progression: Progression | None
) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Fit each dispositif's flows, on ``executor`` when one is given (the fits are independent)."""
    idents = list(problemes)
    if executor is None:
        out = {}
        for k, ident in enumerate(idents):
            out[ident] = _flux(problemes[ident], tableau)
            if progression:
                progression(ident, k + 1, len(idents))
        return out
    futures = {ident: executor.submit(_flux, problemes[ident], tableau) for ident in idents}
    out = {}
    for k, ident in enumerate(idents):
        out[ident] = futures[ident].result()
        if progression:
            progression(ident, k + 1, len(idents))
    return out


def _entete(pol: Policy, tableau: TableauPublie, runs: int, seed: int) -> str:
    return (
        f"Modèle de cohorte de la politique « {pol.nom} », ajusté au tableau publié {tableau.fichier}\n"
        f"par « parcours calibrer » ({runs} simulations, graine {seed}), du "
        f"{tableau.etendue().du.isoformat()} au {tableau.etendue().au.isoformat()}.\n"
        "\n"
        "Les valeurs ajustées portent « hypothese: true » et disent à quelles lignes du tableau\n"
        "elles sont ajustées ; « calage » donne, par dispositif, chaque cellule publiée, la moyenne\n"
        "des simulations et l'écart. Les autres valeurs (délais, absences, veille après une sortie\n"
        "en emploi...) sont reprises du modèle de départ, avec leur source ou leur raison.\n"
        "Pour changer une valeur ajustée, changez le tableau ou le modèle de départ et relancez\n"
        "« parcours calibrer » : ce fichier est récrit."
    )


def _calages(
    donnees: dict[str, dict[str, Any]],
    parametres: dict[str, list[str]],
    tableau: TableauPublie,
    simules: dict[int, float | None],
    methode: str,
) -> dict[str, tuple[CelluleCalee, ...]]:
    par_dispositif: dict[str, tuple[CelluleCalee, ...]] = {}
    for ident, chemins in parametres.items():
        concernees = [c for c in tableau.cellules if ident in c.dispositifs]
        cellules = tuple(_calee(c, simules[c.ligne]) for c in concernees if c.usage == "ajuster")
        comparees = tuple(_calee(c, simules[c.ligne]) for c in concernees if c.usage == "comparer")
        donnees[ident]["calage"] = {
            "tableau": tableau.fichier,
            "methode": methode,
            "parametres": chemins,
            "cellules": [c.model_dump() for c in cellules],
            "comparees": [c.model_dump() for c in comparees],
        }
        par_dispositif[ident] = cellules + comparees
    return par_dispositif


def calibrate(
    policy: Policy | str | os.PathLike[str],
    tableau: TableauPublie | str | os.PathLike[str],
    cohort: Cohorte | str | os.PathLike[str] | None = None,
    *,
    runs: int = 20,
    seed: int = 0,
    dispositifs: tuple[str, ...] | None = None,
    executor: Any = None,
    progression: Progression | None = None,
) -> CohorteCalee:
    """Fit the cohort model of ``policy`` (or ``cohort``) to the published ``tableau``.

    See the module docstring for what is fitted and how. ``dispositifs`` restricts the fit to
    some dispositifs (the others are kept as they are); ``executor`` (any
    ``concurrent.futures.Executor``) fits the dispositifs' flows in parallel, with the same
    result; ``progression(dispositif, faits, total)`` is called after each fit.
    """
    pol = load_source(policy)
    tab = tableau if isinstance(tableau, TableauPublie) else read_table(tableau)
    etendue = tab.etendue()
    depart = resolve_cohort(pol, cohort, etendue.du)
    verifier_cellules(tab, set(depart.dispositifs))
    _verifier_usages(tab)
    graines = tuple(np.random.SeedSequence(seed).spawn(runs))
    cellules = list(tab.cellules)
    choisis = [
        i
        for i in depart.dispositifs
        if (dispositifs is None or i in dispositifs) and any(i in c.dispositifs for c in cellules)
    ]
    # the dispositifs not fitted keep everything, their calage included
    donnees = {
        i: d.model_dump(exclude={"calage"} if i in choisis else None) for i, d in depart.dispositifs.items()
    }
    parametres = {i: _parts(donnees[i], i, cellules, tab.fichier) for i in choisis}
    problemes = {
        i: pb
        for i in choisis
        if (pb := _probleme(pol, i, donnees[i], cellules, etendue.du, etendue.au, graines)) is not None
    }
    for ident, (data, chemins) in _lancer(problemes, tab.fichier, executor, progression).items():
        donnees[ident] = data
        parametres[ident] = chemins + parametres[ident]
    for c in cellules:
        if c.indicateur == "taux_emploi_veille" and c.usage == "ajuster" and c.dispositifs[0] in parametres:
            _veille(
                pol,
                c.dispositifs[0],
                donnees[c.dispositifs[0]],
                c,
                (etendue.du, etendue.au),
                graines,
                tab.fichier,
            )
            parametres[c.dispositifs[0]].append("veille.en_emploi_apres_autre_sortie")
    cadre = depart.model_dump(exclude={"dispositifs"})
    provisoire = Cohorte.model_validate({**cadre, "dispositifs": donnees})
    simules = _mesures(pol, provisoire, tab, etendue.du, etendue.au, graines)
    par_dispositif = _calages(donnees, parametres, tab, simules, METHODE.format(runs=runs, graine=seed))
    cohorte = Cohorte.model_validate({**cadre, "dispositifs": donnees})
    return CohorteCalee(cohorte, tab, _entete(pol, tab, runs, seed), par_dispositif)
