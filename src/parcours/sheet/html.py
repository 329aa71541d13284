"""A policy sheet as one self-contained HTML page: every value with its notes, hypotheses marked."""

from __future__ import annotations

from html import escape

from parcours._french import format_date
from parcours._html import page
from parcours.engine.diagram_svg import en_svg
from parcours.sheet._alerts import RegleAlerte
from parcours.sheet._values import Ligne, Valeur
from parcours.sheet.content import Fiche, FicheDispositif, Motif

__all__ = ["en_html"]

_CSS = """
.fiche table { width: 100%; }
.fiche td, .fiche th { overflow-wrap: break-word; }
.fiche td.libelle { width: 38%; }
.legende { border-left: 4px solid #b07d00; background: #fffaf0; padding: 6px 10px; font-size: 13px; }
.identite { font-size: 14px; }
.ouverture { font-weight: bold; }
sup a { text-decoration: none; }
.sommaire li { margin: 2px 0; }
"""


def _renvois(notes: tuple[int, ...]) -> str:
    return "".join(f'<sup><a href="#note-{n}" id="renvoi-{n}">{n}</a></sup>' for n in notes)


def _valeur(v: Valeur) -> str:
    texte = escape(v.texte)
    if v.hypothese:
        texte = f'<span class="hypothese">{texte}</span> <span class="marque-hypothese">hypothèse</span>'
    quand = f" (à partir du {format_date(v.debut)})" if v.debut else ""
    return f"{texte}{quand}{_renvois(v.notes)}"


def _ligne(ligne: Ligne) -> str:
    valeurs = "<br>".join(_valeur(v) for v in ligne.valeurs) or escape(ligne.absent)
    return f'<tr><td class="libelle">{escape(ligne.libelle)}</td><td>{valeurs}</td></tr>'


def _table(lignes: tuple[Ligne, ...]) -> str:
    return "<table><tbody>" + "".join(_ligne(li) for li in lignes) + "</tbody></table>"


def _oui(b: bool) -> str:
    return "oui" if b else "non"


def _motifs(motifs: tuple[Motif, ...]) -> str:
    if not motifs:
        return "<p>Aucun motif de sortie déclaré.</p>"
    head = (
        "<tr><th>Motif</th><th>Catégorie</th><th>Sortie positive</th><th>Liée à l'emploi</th>"
        "<th>Pourquoi</th></tr>"
    )
    rows = []
    for m in motifs:
        libelle = escape(m.libelle)
        if m.hypothese:
            libelle = (
                f'<span class="hypothese">{libelle}</span> <span class="marque-hypothese">hypothèse</span>'
            )
        rows.append(
            f"<tr><td>{libelle}{_renvois(m.notes)}</td><td>{escape(m.categorie.replace('_', ' '))}</td>"
            f'<td class="n">{_oui(m.positive)}</td><td class="n">{_oui(m.emploi)}</td>'
            f"<td>{escape(m.raison or '')}</td></tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _alertes(regles: tuple[RegleAlerte, ...]) -> str:
    head = "<tr><th>Alerte</th><th>Niveau</th><th>Quand</th><th>Message</th></tr>"
    rows = []
    for r in regles:
        quand = escape(r.quand)
        if r.hypothese:
            quand = f'<span class="hypothese">{quand}</span> <span class="marque-hypothese">hypothèse</span>'
        rows.append(
            f"<tr><td>{escape(r.libelle)}</td><td>{escape(r.niveau)}</td><td>{quand}{_renvois(r.notes)}</td>"
            f"<td>« {escape(r.message)} »</td></tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _dispositif(d: FicheDispositif) -> str:
    parts = [f'<section class="dispositif saut" id="{escape(d.ident)}"><h2>{escape(d.libelle)}</h2>']
    identite = [
        ("Opérateur", d.operateur),
        ("Public", d.public),
        ("Description", d.description),
    ]
    parts += [f'<p class="identite"><b>{k} :</b> {escape(v)}</p>' for k, v in identite if v]
    parts.append(f'<p class="ouverture">{escape(d.ouverture[0].upper() + d.ouverture[1:])}.</p>')
    legende = f"<figcaption>Parcours : {escape(d.schema.titre)}</figcaption>"
    parts.append(f"<figure>{en_svg(d.schema, d.ident)}{legende}</figure>")
    for bloc in d.blocs:
        visibles = tuple(li for li in bloc.lignes if li.valeurs or li.absent != "non précisé")
        if visibles:
            parts.append(f"<h3>{escape(bloc.titre)}</h3>{_table(visibles)}")
    parts.append(f"<h3>Motifs de sortie</h3>{_motifs(d.motifs)}")
    if d.alertes:
        parts.append(f"<h3>Alertes</h3>{_alertes(d.alertes)}")
    parts.append("</section>")
    return "".join(parts)


def _droits(f: Fiche) -> str:
    """The national layer's section (empty: the policy has none)."""
    if not f.droits:
        return ""
    parts = ['<section class="saut" id="droits_devoirs"><h2>Droits et devoirs (couche nationale)</h2>']
    parts.append(
        '<p class="identite">Les règles nationales dont la politique hérite (loi pour le plein emploi, '
        "et l'ancien régime) : elles ne changent aucun dispositif.</p>"
    )
    for bloc in f.droits:
        parts.append(f"<h3>{escape(bloc.titre)}</h3>{_table(bloc.lignes)}")
    parts.append("</section>")
    return "".join(parts)


def _calendrier(f: Fiche) -> str:
    if not f.calendrier:
        return "<p>Aucune valeur datée : la politique ne change pas au cours du temps.</p>"
    rows = "".join(
        f'<tr><td class="n">{format_date(c.jour)}</td><td>{escape(c.dispositif or "toute la politique")}</td>'
        f"<td>{escape(c.quoi)}</td><td>{escape(c.avant)}</td><td>{escape(c.apres)}"
        + (' <span class="marque-hypothese">hypothèse</span>' if c.hypothese else "")
        + "</td></tr>"
        for c in f.calendrier
    )
    head = "<tr><th>Date</th><th>Dispositif</th><th>Ce qui change</th><th>Avant</th><th>Après</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"


def _entete(f: Fiche) -> str:
    quand = (
        f"Valeurs en vigueur le {format_date(f.jour)}."
        if f.jour is not None
        else "Toutes les versions datées de chaque valeur."
    )
    source = f" (fichier {escape(f.fichier)})" if f.fichier else ""
    n = len(f.dispositifs)
    return (
        f"<h1>{escape(f.titre)}</h1>"
        f'<p class="meta">{escape(f.libelle)}. Politique « {escape(f.politique)} »{source} : '
        f"{n} dispositif{'s' if n > 1 else ''}, {len(f.notes)} notes dont {f.hypotheses} hypothèses. "
        f"{quand}</p>"
        '<p class="legende">Chaque valeur renvoie à une note qui cite sa source. Une valeur '
        '<span class="hypothese">surlignée</span> et marquée <span class="marque-hypothese">hypothèse</span> '
        "ne vient d'aucun document : sa note dit pourquoi elle a été retenue.</p>"
    )


def en_html(f: Fiche) -> str:
    """The sheet ``f`` as a whole HTML page."""
    sommaire = "".join(
        f'<li><a href="#{escape(d.ident)}">{escape(d.libelle)}</a></li>' for d in f.dispositifs
    )
    notes = "".join(f'<li id="note-{n.numero}">{escape(n.texte)}</li>' for n in f.notes)
    corps = (
        f'<div class="fiche">{_entete(f)}'
        f'<h2>Dispositifs</h2><ul class="sommaire">{sommaire}</ul>'
        f"<h2>Calendrier des changements</h2>{_calendrier(f)}"
        + _droits(f)
        + "".join(_dispositif(d) for d in f.dispositifs)
        + f'<section class="saut"><h2>Notes et sources</h2><ol class="notes">{notes}</ol></section></div>'
    )
    return page(f.titre, corps, _CSS)
