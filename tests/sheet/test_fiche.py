"""The policy sheet: every value with its source, hypotheses marked, the rules' own reading."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parcours import Policy, load_policy, load_policy_text
from parcours.cli import app
from parcours.policies.bundled import bundled_names
from parcours.policies.display import format_value, libelles_dispositifs
from parcours.policies.rights_rules import CHEMINS_DROITS, ReglesDroits, regles_droits
from parcours.policies.rules import CHEMINS, regles_datees
from parcours.policies.versions import iter_params
from parcours.sheet.content import Fiche, fiche
from parcours.sheet.html import en_html
from parcours.sheet.markdown import en_markdown

BUNDLED = bundled_names()
runner = CliRunner()


def _lignes(f: Fiche, ident: str) -> dict[str, list[str]]:
    d = next(d for d in f.dispositifs if d.ident == ident)
    return {li.chemin: [v.texte for v in li.valeurs] for b in d.blocs for li in b.lignes if li.chemin}


def _days(policy_name: str) -> list[date]:
    policy = load_policy(policy_name)
    days = {date(2015, 6, 1), date(2018, 7, 1), date(2024, 1, 1)}
    for d in policy.dates_effet():
        days |= {d, d - timedelta(days=1)}
    return sorted(days)


@pytest.mark.parametrize("name", BUNDLED)
def test_on_a_date_the_sheet_shows_the_values_the_rules_apply(name: str) -> None:
    policy = load_policy(name)
    compared = 0
    for jour in _days(name):
        f = fiche(policy, jour)
        for ident in policy.dispositifs:
            regles = regles_datees(policy, ident).au(jour)
            if regles is None:  # before the opening: nothing is in force yet
                continue
            shown = _lignes(f, ident)
            for attribut, chemin in CHEMINS.items():
                if chemin in shown:
                    valeur = regles.valeur(attribut)
                    assert shown[chemin] == ([] if valeur is None else [format_value(valeur)]), (ident, jour)
                    compared += 1
        compared += _droits_compares(policy, f, jour)
    assert compared > 0


def _valeurs_droits(r: ReglesDroits) -> dict[str, object]:
    """The national values the engine applies, by their key path under droits_devoirs."""
    out: dict[str, object] = {chemin: getattr(r, attribut) for attribut, chemin in CHEMINS_DROITS.items()}
    out.update({f"contrat.delai.{p}": d for p, d in r.contrat_delais.items()})
    for quoi in ("premier_manquement", "repetition"):
        bornes = getattr(r, quoi)
        for cle in ("taux_maximum", "mois_minimum", "mois_maximum"):
            out[f"sanction.{quoi}.{cle}"] = getattr(bornes, cle)
    return out


def _droits_compares(policy: Policy, f: Fiche, jour: date) -> int:
    """The national section shows, on ``jour``, the values the engine's national rules apply."""
    datees = regles_droits(policy)
    if datees is None:
        assert f.droits == ()
        return 0
    appliquees = _valeurs_droits(datees.au(jour))
    compared = 0
    for bloc in f.droits:
        for li in bloc.lignes:
            chemin = (li.chemin or "").removeprefix("droits_devoirs.")
            if chemin in appliquees:
                valeur = appliquees[chemin]
                vide = valeur is None or valeur == frozenset()
                if isinstance(valeur, frozenset):  # a list of words, compiled as a set
                    valeur = tuple(sorted(valeur))
                assert [v.texte for v in li.valeurs] == ([] if vide else [format_value(valeur)]), (
                    chemin,
                    jour,
                )
                compared += 1
    return compared


@pytest.mark.parametrize("name", BUNDLED)
def test_every_version_is_shown_with_its_quotation_and_every_hypothesis_is_marked(name: str) -> None:
    policy = load_policy(name)
    f = fiche(policy)
    html = en_html(f)
    notes = {n.numero: n.texte for n in f.notes}
    for ident, disp in policy.dispositifs.items():
        shown = {
            li.chemin: li.valeurs
            for d in f.dispositifs
            if d.ident == ident
            for b in d.blocs
            for li in b.lignes
            if li.chemin
        }
        for chemin, param in iter_params(disp):
            cle = ".".join(chemin)
            if cle not in shown:
                continue
            assert len(shown[cle]) == len(param.versions), (ident, cle)
            for version, valeur in zip(param.versions, shown[cle], strict=True):
                assert valeur.hypothese == version.hypothese
                if version.source is not None and version.source.citation:
                    assert any(version.source.citation in notes[n] for n in valeur.notes), (ident, cle)
                if version.hypothese:
                    assert valeur.notes and all(notes[n].startswith("Hypothèse") for n in valeur.notes)
    marks = html.count('class="marque-hypothese"') - 1  # the legend shows the mark once
    assumed = sum(
        v.hypothese for d in f.dispositifs for b in d.blocs for li in b.lignes for v in li.valeurs
    ) + sum(m.hypothese for d in f.dispositifs for m in d.motifs)
    assert marks >= assumed


@pytest.mark.parametrize("name", BUNDLED)
def test_every_note_is_referred_to_and_every_reference_has_its_note(name: str) -> None:
    html = en_html(fiche(load_policy(name)))
    refs = set(re.findall(r'href="#note-(\d+)"', html))
    notes = set(re.findall(r'<li id="note-(\d+)"', html))
    assert refs == notes
    assert html.count("<svg") == len(load_policy(name).dispositifs)


def test_rates_are_shown_as_percentages_and_dated_changes_are_listed() -> None:
    f = fiche(load_policy("meurthe_et_moselle"))
    html = en_html(f)
    assert "les places occupées à 100 % ou plus" in html
    lunevillois = [
        c for c in f.calendrier if c.dispositif == "Accompagnement socioprofessionnel - Lunévillois"
    ]
    assert any(
        c.jour == date(2018, 6, 1)
        and c.quoi == "durée totale maximale"
        and (c.avant, c.apres) == ("(absent)", "6 mois")
        for c in lunevillois
    )
    assert not any(
        c.quoi == "places" and c.jour == date(2018, 6, 1) for c in lunevillois
    )  # 45 → 45: no change


def test_a_dispositif_not_open_on_the_date_says_so() -> None:
    f = fiche(load_policy("meurthe_et_moselle"), date(2018, 7, 1))
    refugies = next(d for d in f.dispositifs if d.ident == "securisation_parcours_refugies")
    assert refugies.ouverture.startswith(
        "pas ouvert : le dispositif « securisation_parcours_refugies » ouvre le "
    )


def test_the_markdown_sheet_has_footnotes_and_marked_hypotheses() -> None:
    texte = en_markdown(fiche(load_policy("moselle")))
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", texte))
    notes = set(re.findall(r"^\[\^(\d+)\]:", texte, re.MULTILINE))
    assert refs == notes and notes
    assert "*(hypothèse)*" in texte
    assert "| 01/01/2017 |" in texte


def test_fiche_command_writes_html_or_markdown(tmp_path: Path) -> None:
    page = tmp_path / "fiche.html"
    done = runner.invoke(app, ["fiche", "moselle", "-o", str(page)])
    assert done.exit_code == 0, done.output
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    md = runner.invoke(app, ["fiche", "moselle", "--format", "markdown", "--date", "2018-01-01"])
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Fiche de la politique — Moselle")
    assert "valeurs en vigueur le 01/01/2018" in md.output
    bad = runner.invoke(app, ["fiche", "moselle", "--date", "demain"])
    assert bad.exit_code == 2


def test_two_dispositifs_with_the_same_label_are_told_apart_by_their_operator() -> None:
    policy = load_policy_text(
        """\
departement: Test
libelle: Doubles
dispositifs:
  a: {libelle: Accompagnement, operateur: Opérateur A, etapes: [demarrage, sortie]}
  b: {libelle: Accompagnement, operateur: Opérateur B, etapes: [demarrage, sortie]}
  c: {libelle: Accompagnement, etapes: [demarrage, sortie]}
  d: {libelle: Autre, etapes: [demarrage, sortie]}
""",
        "doubles.yaml",
    )
    assert libelles_dispositifs(policy) == {
        "a": "Accompagnement — Opérateur A",
        "b": "Accompagnement — Opérateur B",
        "c": "Accompagnement",
        "d": "Autre",
    }
