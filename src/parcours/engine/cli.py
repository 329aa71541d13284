"""The engine's verbs: ``rejouer``, ``expliquer``, ``diagramme``, ``alertes``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from parcours._cli_utils import out_console, parse_date, signaler_ecartees, user_errors
from parcours._french import format_date, format_nombre
from parcours.engine.engine import Engine
from parcours.engine.journal import Journal
from parcours.engine.journals import est_url, open_journal
from parcours.policies import load_policy
from parcours.policies.alerts import NIVEAUX
from parcours.policies.schema import Policy
from parcours.vocabulary import PISTE_DROITS

__all__ = ["register"]

_LISTE_MAX = 20


class FormatJournal(StrEnum):
    texte = "texte"
    json = "json"


JournalArg = Annotated[
    str, typer.Argument(help="journal JSONL, base SQLite (.sqlite, .db) ou URL postgresql://")
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="une ligne du journal écartée est une erreur (code de sortie 1)")
]
PolitiqueOpt = Annotated[
    str, typer.Option("--politique", "-p", help="fichier YAML ou nom d'une politique fournie")
]


def _ouvrir(chemin: str) -> Journal:
    if not est_url(chemin) and not Path(chemin).exists():
        raise FileNotFoundError(2, "journal introuvable", chemin)
    return open_journal(chemin)


def _derniere_date(engine: Engine) -> date | None:
    dates = [d.derniere for d in engine.dossiers.values()] + [s.derniere for s in engine.droits.values()]
    return max(dates, default=None)


def _etat(engine: Engine, au: date | None) -> dict[str, Any]:
    comptes = engine.count()
    dispositifs: dict[str, Any] = {}
    for ident in engine.policy.dispositifs:
        par_etape: Counter[str] = comptes.get(ident, Counter())
        entry: dict[str, Any] = {"etapes": dict(sorted(par_etape.items())), "total": sum(par_etape.values())}
        if au is not None and ident in comptes:
            attente = engine.attente(ident)
            entry["attente"] = {"nombre": len(attente), "premiers": attente[:_LISTE_MAX]}
            entry["charge"] = engine.charge(ident, au).to_dict()
        dispositifs[ident] = entry
    echeances = [] if au is None else [e for e in engine.echeances(au) if e.en_retard]
    par_nature = Counter(e.nature for e in echeances)
    droits = Counter(s.state for s in engine.droits.values())
    return {
        "politique": engine.policy.nom,
        "au": None if au is None else au.isoformat(),
        "dossiers": len(engine.dossiers),
        "dispositifs": dispositifs,
        "droits_devoirs": {"etapes": dict(sorted(droits.items())), "total": len(engine.droits)},
        "echeances_depassees": {
            "nombre": len(echeances),
            "par_nature": dict(sorted(par_nature.items())),
            "premieres": [e.to_dict() for e in echeances[:_LISTE_MAX]],
        },
        "avertissements": [str(w) for w in engine.avertissements],
        "lignes_ecartees": [{"numero": e.numero, "message": e.message} for e in engine.lignes_ecartees],
    }


def _texte(etat: dict[str, Any]) -> str:
    au = format_date(date.fromisoformat(etat["au"])) if etat["au"] else "—"
    lines = [f"politique {etat['politique']} — {format_nombre(etat['dossiers'])} dossier(s), au {au}"]
    for ident, entry in etat["dispositifs"].items():
        etapes = ", ".join(f"{k} {format_nombre(v)}" for k, v in entry["etapes"].items()) or "aucun dossier"
        lines.append(f"{ident} : {format_nombre(entry['total'])} dossier(s) — {etapes}")
        if "attente" in entry:
            attente = entry["attente"]
            premiers = ", ".join(attente["premiers"])
            lines.append(f"  liste d'attente : {attente['nombre']}" + (f" ({premiers})" if premiers else ""))
            charge = entry["charge"]
            places = format_nombre(charge["places"]) if charge["places"] is not None else "non limitées"
            text = f"  places occupées : {format_nombre(charge['occupes'])} / {places}"
            if charge["par_etp"] is not None:
                text += f" ; {format_nombre(charge['par_etp'], 1)} par ETP"
                if charge["portefeuille_par_etp"] is not None:
                    text += f" (portefeuille : {format_nombre(charge['portefeuille_par_etp'])} par ETP)"
            lines.append(text)
    droits = etat["droits_devoirs"]
    if droits["total"]:
        etapes = ", ".join(f"{k} {format_nombre(v)}" for k, v in droits["etapes"].items())
        lines.append(f"droits et devoirs : {format_nombre(droits['total'])} dossier(s) — {etapes}")
    depassees = etat["echeances_depassees"]
    lines.append(f"échéances dépassées : {format_nombre(depassees['nombre'])}")
    for nature, nombre in depassees["par_nature"].items():
        lines.append(f"  {nature} : {format_nombre(nombre)}")
    for e in depassees["premieres"]:
        qui = e["dossier"] or e["dispositif"]
        lines.append(f"  {format_date(date.fromisoformat(e['date']))} {e['nature']} {qui}")
    lines.extend(f"avertissement : {w}" for w in etat["avertissements"])
    return "\n".join(lines)


@user_errors
def rejouer(
    journal: JournalArg,
    politique: PolitiqueOpt,
    jusqu_au: Annotated[
        str | None,
        typer.Option(
            "--jusqu-au",
            metavar="AAAA-MM-JJ",
            help="ne rejouer que les événements jusqu'à cette date (AAAA-MM-JJ)",
        ),
    ] = None,
    format: Annotated[FormatJournal, typer.Option("--format", help="texte ou json")] = FormatJournal.texte,
    strict: StrictOpt = False,
    reparer: Annotated[
        bool,
        typer.Option(
            "--reparer",
            help="retirer une dernière ligne tronquée (écriture interrompue) ; ses octets sont gardés à côté",
        ),
    ] = False,
) -> None:
    """Rejoue un journal : dossiers par étape, échéances dépassées, liste d'attente, charge par ETP.

    Une ligne que le moteur refuse est écartée et signalée avec son numéro et sa raison (les
    mêmes que dans un bilan) ; avec --strict, c'est une erreur.
    """
    limite = parse_date(jusqu_au, "--jusqu-au")
    policy = load_policy(politique)
    with _ouvrir(journal) as source:
        engine = Engine.replay(policy, source, jusqu_au=limite, ecarter=True, reparer=reparer)
    etat = _etat(engine, limite or _derniere_date(engine))
    if format is FormatJournal.json:
        out_console.print(json.dumps(etat, ensure_ascii=False, indent=2), markup=False)
    else:
        out_console.print(_texte(etat), markup=False)
    signaler_ecartees(engine.lignes_ecartees, strict)


@user_errors
def expliquer(
    journal: JournalArg,
    dossier: Annotated[str, typer.Argument(help="identifiant du dossier")],
    politique: PolitiqueOpt,
) -> None:
    """Explique un dossier : son historique et le pourquoi de chaque échéance (valeur, fichier:ligne)."""
    policy = load_policy(politique)
    with _ouvrir(journal) as source:
        engine = Engine.replay(policy, source, historique=True, ecarter=True)
    out_console.print(str(engine.explain(dossier)), markup=False)
    signaler_ecartees(engine.lignes_ecartees, False)


class FormatDiagramme(StrEnum):
    mermaid = "mermaid"
    svg = "svg"
    html = "html"


def _diagrammes(policy: Policy, idents: list[str], jour: date | None, format: FormatDiagramme) -> str:
    from html import escape

    from parcours._html import page
    from parcours.engine.diagram import en_mermaid, schema_dispositif
    from parcours.engine.diagram_svg import en_svg

    schemas = [(ident, schema_dispositif(policy, ident, jour)) for ident in idents]
    if format is FormatDiagramme.mermaid:
        return "\n".join(en_mermaid(s) for _, s in schemas)
    if format is FormatDiagramme.svg:
        if len(schemas) > 1:
            raise typer.BadParameter(
                "un fichier SVG ne dessine qu'un dispositif : nommez-le, ou choisissez --format html",
                param_hint="DISPOSITIF",
            )
        return en_svg(schemas[0][1], schemas[0][0]) + "\n"
    figures = "".join(
        f"<figure>{en_svg(s, ident)}<figcaption>{escape(s.titre)}</figcaption></figure>"
        for ident, s in schemas
    )
    titre = f"Parcours des dispositifs — {policy.departement}"
    return page(titre, f'<h1>{escape(titre)}</h1><p class="meta">{escape(policy.libelle)}</p>{figures}')


@user_errors
def diagramme(
    politique: Annotated[str, typer.Argument(help="fichier YAML ou nom d'une politique fournie")],
    dispositif: Annotated[
        str | None, typer.Argument(help="le dispositif à dessiner (par défaut : tous)")
    ] = None,
    date_: Annotated[
        str | None,
        typer.Option("--date", metavar="AAAA-MM-JJ", help="conditions avec les valeurs en vigueur ce jour"),
    ] = None,
    format: Annotated[
        FormatDiagramme, typer.Option("--format", "-f", help="mermaid (texte), svg (image) ou html (page)")
    ] = FormatDiagramme.mermaid,
    sortie: Annotated[
        Path | None, typer.Option("--sortie", "-o", help="fichier écrit (par défaut : la sortie standard)")
    ] = None,
) -> None:
    """Dessine le parcours d'un dispositif : ses étapes, ses transitions et leurs conditions."""
    jour = parse_date(date_)
    policy = load_policy(politique)
    idents = [dispositif] if dispositif is not None else list(policy.dispositifs)
    for ident in idents:
        policy.dispositif(ident)  # an unknown dispositif is a user error naming the known ones
    texte = _diagrammes(policy, idents, jour, format)
    if sortie is None:
        sys.stdout.write(texte)  # as written: no console markup, emoji codes or wrapping
    else:
        sortie.write_text(texte, encoding="utf-8")
        out_console.print(f"diagramme écrit dans {sortie}", markup=False)


@user_errors
def alertes(
    journal: JournalArg,
    politique: PolitiqueOpt,
    au: Annotated[
        str | None,
        typer.Option(
            "--au", metavar="AAAA-MM-JJ", help="avancer l'horloge des alertes jusqu'à cette date (AAAA-MM-JJ)"
        ),
    ] = None,
    niveau: Annotated[
        str | None, typer.Option("--niveau", help="seulement ce niveau : info, attention ou urgent")
    ] = None,
    dispositif: Annotated[
        str | None,
        typer.Option("--dispositif", "-d", help="un seul dispositif (droits_devoirs : la piste nationale)"),
    ] = None,
    format: Annotated[FormatJournal, typer.Option("--format", help="texte ou json")] = FormatJournal.texte,
    strict: StrictOpt = False,
) -> None:
    """Liste les alertes d'un journal : celles qu'il contient et celles dues au --au (non écrites)."""
    jour = parse_date(au, "--au")
    if niveau is not None and niveau not in NIVEAUX:
        raise typer.BadParameter(f"« {niveau} » : attendu {', '.join(NIVEAUX)}", param_hint="--niveau")
    policy = load_policy(politique)
    with _ouvrir(journal) as source:
        engine = Engine.replay(policy, source, jusqu_au=jour, ecarter=True)
    if dispositif is not None and dispositif != PISTE_DROITS:
        policy.dispositif(dispositif)  # an unknown dispositif is a user error
    jour = jour or engine.clock or _derniere_date(engine)
    trouvees = engine.alertes(jour, niveau=niveau, dispositif=dispositif)
    avertissements = [str(w) for w in engine.avertissements]
    if format is FormatJournal.json:
        sortie = {
            "politique": policy.nom,
            "au": None if jour is None else jour.isoformat(),
            "nombre": len(trouvees),
            "par_niveau": dict(sorted(Counter(a.niveau for a in trouvees).items())),
            "alertes": [a.to_event() for a in trouvees],
            "avertissements": avertissements,
            "lignes_ecartees": [{"numero": e.numero, "message": e.message} for e in engine.lignes_ecartees],
        }
        out_console.print(json.dumps(sortie, ensure_ascii=False, indent=2), markup=False)
        signaler_ecartees(engine.lignes_ecartees, strict)
        return
    quand = format_date(jour) if jour else "—"
    entete = f"politique {policy.nom} — {format_nombre(len(trouvees))} alerte(s) au {quand}"
    lignes = [entete, *(str(a) for a in trouvees)]
    lignes.extend(f"avertissement : {w}" for w in avertissements)
    out_console.print("\n".join(lignes), markup=False)
    signaler_ecartees(engine.lignes_ecartees, strict)


def register(app: typer.Typer) -> None:
    """Add ``rejouer``, ``expliquer``, ``diagramme`` and ``alertes`` to the ``parcours`` command."""
    app.command("rejouer")(rejouer)
    app.command("expliquer")(expliquer)
    app.command("diagramme")(diagramme)
    app.command("alertes")(alertes)
