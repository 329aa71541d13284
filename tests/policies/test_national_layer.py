"""The national layer (policies/national/plein_emploi.yaml): valid, dated on the three regimes,
every value citing a text and its article, inherited by the département policies without
changing anything of their dispositifs."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parcours.cli import app
from parcours.policies import Policy, Regles, load_policy, load_policy_text, regles_datees
from parcours.policies.rights_rules import regles_droits
from parcours.policies.versions import iter_params

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "policies" / "national" / "plein_emploi.yaml"
DEPARTEMENTS = ("moselle", "meurthe_et_moselle", "seine_saint_denis")
# the former regime (loi n° 2008-1249, in force 01/06/2009), the loi pour le plein emploi and
# décret n° 2024-1244 (01/01/2025), décret n° 2025-478 on sanctions (01/06/2025)
REGIMES = (date(2009, 6, 1), date(2025, 1, 1), date(2025, 6, 1))
_ARTICLE = re.compile(r"\bart\. [LRD]\. ?\d|\bart\. \d|§ \d|[Aa]rrêté du")


def test_parcours_valider_accepts_the_national_layer() -> None:
    result = CliRunner().invoke(app, ["valider", str(NATIONAL)])
    assert result.exit_code == 0, result.output
    assert "valide (0 dispositif)" in result.output


def test_its_values_are_dated_on_the_three_regimes_only() -> None:
    assert load_policy(NATIONAL).dates_effet() == REGIMES


def test_every_value_cites_a_text_and_its_article_or_is_a_flagged_hypothesis() -> None:
    bloc = load_policy(NATIONAL).droits_devoirs
    assert bloc is not None
    params = list(iter_params(bloc))
    assert len(params) > 20
    for chemin, param in params:
        for version in param.versions:
            where = f"{'.'.join(chemin)} ({version.debut})"
            assert version.source is not None and version.source.document, where
            cite = f"{version.source.document} {version.source.section or ''}"
            assert _ARTICLE.search(cite) or (version.hypothese and version.raison), where


def test_quotes_are_never_copied_from_the_texts() -> None:
    # sources name the text and the article; what the texts say is paraphrased in comments
    bloc = load_policy(NATIONAL).droits_devoirs
    assert bloc is not None
    assert all(
        v.source is None or v.source.citation is None for _, p in iter_params(bloc) for v in p.versions
    )


@pytest.mark.parametrize("name", DEPARTEMENTS)
def test_the_departement_policies_inherit_the_national_layer(name: str) -> None:
    policy = load_policy(name)
    assert policy.droits_devoirs == load_policy("national/plein_emploi").droits_devoirs
    assert regles_droits(policy) is not None


@pytest.mark.parametrize("name", DEPARTEMENTS)
def test_inheriting_the_layer_changes_none_of_the_dispositifs_rules(name: str) -> None:
    """The rules of every dispositif, window by window, are those of the file without the layer."""
    chemin = ROOT / "policies" / f"{name}.yaml"
    texte = chemin.read_text(encoding="utf-8")
    if name == "seine_saint_denis":  # it inherits the base, which inherits the layer
        base = (ROOT / "policies" / "base" / "accompagnement_social.yaml").read_text(encoding="utf-8")
        sans_base = chemin.parent / "base" / "sans_couche.yaml"
        texte = texte.replace("herite: base/accompagnement_social", f"herite: {sans_base}")
        base_sans = base.replace("herite: national/plein_emploi\n", "")
        sans_base.write_text(base_sans, encoding="utf-8")
    else:
        texte = texte.replace("herite: national/plein_emploi\n", "")
    try:
        sans = load_policy_text(texte, f"{name}.yaml")
    finally:
        if name == "seine_saint_denis":
            sans_base.unlink()
    avec = load_policy(name)
    assert sans.droits_devoirs is None
    for ident in avec.dispositifs:
        assert _regles(avec, ident) == _regles(sans, ident), ident


def _regles(policy: Policy, ident: str) -> list[tuple[Regles, dict[str, tuple[Any, Any]]]]:
    """A dispositif's windows, each with the value and source of every version it read (where
    a file was read from aside)."""
    return [
        (replace(r, versions={}), {k: (v.valeur, v.source) for k, v in r.versions.items()})
        for r in regles_datees(policy, ident)
    ]


def test_a_departement_overriding_a_national_value_is_told_where(tmp_path: Path) -> None:
    texte = """herite: national/plein_emploi
departement: Test
libelle: Test
droits_devoirs:
  contrat:
    heures_minimum: 10
  alertes:
    orientation_en_retard: {niveau: info}
dispositifs: {}
"""
    (tmp_path / "dep.yaml").write_text(texte, encoding="utf-8")
    result = CliRunner().invoke(app, ["valider", str(tmp_path / "dep.yaml")])
    assert result.exit_code == 1
    assert "dep.yaml:5:3: droits_devoirs.contrat: valeur nationale fixée par les textes" in result.output
    assert "1 erreur" in result.output  # the alert's level is the département's to choose


def test_a_departement_may_change_or_switch_off_a_national_alert() -> None:
    texte = """herite: national/plein_emploi
departement: Test
libelle: Test
droits_devoirs:
  alertes:
    orientation_en_retard: {niveau: info}
    heures_sous_le_contrat: {actif: false}
dispositifs: {}
"""
    bloc = load_policy_text(texte, "dep.yaml").droits_devoirs
    assert bloc is not None
    assert bloc.alertes["orientation_en_retard"].niveau == "info"
    assert bloc.alertes["orientation_en_retard"].message.startswith("orientation attendue le {echeance}")
    assert not bloc.alertes["heures_sous_le_contrat"].actif
