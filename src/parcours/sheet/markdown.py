"""A policy sheet as Markdown: the same content as the page, notes as footnotes, no diagram.

The diagram is a picture: ``parcours diagramme POLITIQUE DISPOSITIF --format mermaid`` gives
it as Mermaid text, which GitHub, GitLab and mkdocs-material draw inside Markdown.
"""

from __future__ import annotations

from parcours._french import format_date
from parcours.sheet._values import Ligne, Valeur
from parcours.sheet.content import Fiche, FicheDispositif

__all__ = ["en_markdown"]


def _cellule(texte: str) -> str:
    return texte.replace("|", "\\|").replace("\n", " ")


def _valeur(v: Valeur) -> str:
    texte = v.texte + (" *(hypothèse)*" if v.hypothese else "")
    if v.debut:
        texte += f" (à partir du {format_date(v.debut)})"
    return texte + "".join(f"[^{n}]" for n in v.notes)


def _table(lignes: tuple[Ligne, ...]) -> list[str]:
    out = ["| | |", "|---|---|"]
    out += [
        f"| {_cellule(li.libelle)} | {_cellule('<br>'.join(_valeur(v) for v in li.valeurs) or li.absent)} |"
        for li in lignes
    ]
    return [*out, ""]


def _dispositif(d: FicheDispositif) -> list[str]:
    out = [f"## {d.libelle}", ""]
    for nom, valeur in (("Opérateur", d.operateur), ("Public", d.public), ("Description", d.description)):
        if valeur:
            out += [f"**{nom} :** {valeur}", ""]
    out += [f"**{d.ouverture[0].upper() + d.ouverture[1:]}.**", ""]
    for bloc in d.blocs:
        visibles = tuple(li for li in bloc.lignes if li.valeurs or li.absent != "non précisé")
        if visibles:
            out += [f"### {bloc.titre}", "", *_table(visibles)]
    out += ["### Motifs de sortie", ""]
    if d.motifs:
        out += [
            "| Motif | Catégorie | Sortie positive | Liée à l'emploi | Pourquoi |",
            "|---|---|---|---|---|",
        ]
        for m in d.motifs:
            libelle = (
                m.libelle + (" *(hypothèse)*" if m.hypothese else "") + "".join(f"[^{n}]" for n in m.notes)
            )
            oui = {True: "oui", False: "non"}
            out.append(
                f"| {_cellule(libelle)} | {m.categorie} | {oui[m.positive]} | {oui[m.emploi]} | "
                f"{_cellule(m.raison or '')} |"
            )
        out.append("")
    else:
        out += ["Aucun motif de sortie déclaré.", ""]
    if d.alertes:
        out += ["### Alertes", "", "| Alerte | Niveau | Quand | Message |", "|---|---|---|---|"]
        for r in d.alertes:
            quand = r.quand + (" *(hypothèse)*" if r.hypothese else "") + "".join(f"[^{n}]" for n in r.notes)
            out.append(
                f"| {_cellule(r.libelle)} | {r.niveau} | {_cellule(quand)} | « {_cellule(r.message)} » |"
            )
        out.append("")
    return out


def en_markdown(f: Fiche) -> str:
    """The sheet ``f`` as Markdown."""
    quand = f"valeurs en vigueur le {format_date(f.jour)}" if f.jour else "toutes les versions datées"
    out = [
        f"# {f.titre}",
        "",
        f"{f.libelle}. Politique « {f.politique} » : {len(f.dispositifs)} dispositif(s), "
        f"{len(f.notes)} notes dont {f.hypotheses} hypothèses ; {quand}. Une valeur marquée "
        "*(hypothèse)* ne vient d'aucun document : sa note dit pourquoi elle a été retenue.",
        "",
        "## Calendrier des changements",
        "",
    ]
    if f.calendrier:
        out += ["| Date | Dispositif | Ce qui change | Avant | Après |", "|---|---|---|---|---|"]
        for c in f.calendrier:
            qui = _cellule(c.dispositif or "toute la politique")
            apres = _cellule(c.apres) + (" *(hypothèse)*" if c.hypothese else "")
            out.append(
                f"| {format_date(c.jour)} | {qui} | {_cellule(c.quoi)} | {_cellule(c.avant)} | {apres} |"
            )
        out.append("")
    else:
        out += ["Aucune valeur datée.", ""]
    if f.droits:
        out += ["## Droits et devoirs (couche nationale)", ""]
        for bloc in f.droits:
            out += [f"### {bloc.titre}", "", *_table(bloc.lignes)]
    for d in f.dispositifs:
        out += _dispositif(d)
    out += [f"[^{n.numero}]: {n.texte}" for n in f.notes]
    return "\n".join(out) + "\n"
