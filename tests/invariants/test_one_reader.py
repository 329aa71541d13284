"""Property 10 of docs/invariants.md: one reader for every journal line.

For any policy (bundled or generated) and any journal — plausible streams, perturbed ones
(an event skipped, doubled, moved back, for an unknown dossier) and lines damaged one by one
(a spreadsheet date, a misspelt or accented event, an unknown key, a presence « oui », a
missing motif, an id reused for another event, text that is not JSON, a blank line, a torn
last line, an explicit null, a key written twice, a trailing comma, text written with escapes)
— the reports set aside exactly the lines the engine's replay sets aside, with the same
reasons, and count, for every dispositif, what the replayed engine holds. Read in small
batches and judged in small groups of dossiers spilled to disk, the same journal gives the
same bilan: streaming changes nothing.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours import Engine, load_policy
from parcours.policies.schema import Policy
from parcours.reports import bilan, read_journal
from parcours.reports.reading import JournalLu
from parcours.reports.sources import JsonlSource
from parcours.testing import CasPolitique, politiques_valides
from parcours.testing.events import flux_perturbe

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")


def _abimer(event: dict[str, Any], genre: str) -> str:
    """One line of the journal, damaged in one way."""
    e = dict(event)
    if genre == "date_tableur":
        a, m, j = e["date"].split("-")
        e["date"] = f"{j}/{m}/{a[2:]}"
    elif genre == "date_barres":
        e["date"] = e["date"].replace("-", "/")
    elif genre == "accent":
        e["evenement"] = {"demarrage": "démarrage", "entretien": "Entretien"}.get(e["evenement"], "sortei")
    elif genre == "cle":
        e["commentaire"] = "à revoir"
    elif genre == "presence":
        e["evenement"], e["presence"] = "entretien", "oui"
    elif genre == "sans_motif":
        e["evenement"] = "sortie"
        e.pop("motif", None)
    elif genre == "id_reutilise":
        e["id"], e["evenement"] = "meme-id", "entretien"
    elif genre == "pas_json":
        return '{"dossier": "' + e["dossier"] + '", "date": '
    elif genre == "tableau":
        return json.dumps([e["dossier"], e["date"]])
    elif genre == "vide":
        return "   "
    elif genre == "genere":
        e["genere"] = True
    elif genre == "recule":  # an interview dated before the dossier's previous event
        plus_tot = date.fromisoformat(e["date"]) - timedelta(days=40)
        e["evenement"], e["date"] = "entretien", plus_tot.isoformat()
        e.pop("id", None)
    elif genre == "autre_dispositif":
        e["dispositif"] = "atlantide"
    elif genre == "nul_permis":  # an explicit null where the format allows one
        e["profil"] = None
    elif genre == "nul_refuse":  # where it does not (an identifier must be text)
        e["acteur"] = None
    elif genre == "double":  # a key written twice: readers disagree on its value
        texte = json.dumps(e, ensure_ascii=False)
        return texte[:-1] + ', "evenement": "entretien"}'
    elif genre == "virgule":
        return json.dumps(e, ensure_ascii=False)[:-1] + ", }"
    elif genre == "echappe":
        e["acteur"] = "Référente n°2 « CD »"
        return json.dumps(e, ensure_ascii=True)
    return json.dumps(e, ensure_ascii=False)


_GENRES = (
    "date_tableur",
    "date_barres",
    "accent",
    "cle",
    "presence",
    "sans_motif",
    "id_reutilise",
    "pas_json",
    "tableau",
    "vide",
    "genere",
    "recule",
    "autre_dispositif",
)


@st.composite
def _journal(draw: st.DrawFn) -> tuple[Policy, bytes]:
    policy = draw(
        st.one_of(st.sampled_from(BUNDLED).map(load_policy), politiques_valides().map(CasPolitique.charger))
    )
    events = draw(flux_perturbe(policy, max_dossiers=8)).evenements
    lignes = [json.dumps(e, ensure_ascii=False) for e in events]
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(lignes) - 1))
        genre = draw(st.sampled_from(_GENRES))
        if genre == "recule":  # inserted after the event it goes back from
            lignes.insert(i + 1, _abimer(events[i], genre))
            events.insert(i + 1, events[i])
        else:
            lignes[i] = _abimer(events[i], genre)
    texte = ("\n".join(lignes) + "\n").encode("utf-8")
    if draw(st.booleans()):
        texte = texte[: -draw(st.integers(2, 12))]  # a writer killed in the middle of the last line
    return policy, texte


def _comptes_moteur(engine: Engine, du: date, au: date) -> dict[str, tuple[int, int, int]]:
    """(accompanied, exited, still followed) per dispositif, from the replayed engine's dossiers."""
    out: dict[str, list[int]] = {}
    for d in engine.dossiers.values():
        if d.debut is None or d.debut > au or (d.fin is not None and d.fin < du):
            continue
        c = out.setdefault(d.dispositif, [0, 0, 0])
        c[0] += 1
        sorti = d.fin is not None and d.fin <= au
        c[1 if sorti else 2] += 1
    return {k: (a, s, e) for k, (a, s, e) in out.items()}


@settings(
    max_examples=max(10, settings.default.max_examples // 4), deadline=None
)  # the slowest property: a quarter of the profile
@given(_journal())
def test_reports_set_aside_what_the_replay_sets_aside_and_count_what_it_holds(
    cas: tuple[Policy, bytes],
) -> None:
    policy, texte = cas
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "journal.jsonl"
        chemin.write_bytes(texte)
        rejoue = Engine.replay(policy, chemin, ecarter=True)
        lu = read_journal(chemin, policy)
        assert [(e.numero, e.message) for e in lu.problemes(None)] == [
            (e.numero, e.message) for e in rejoue.lignes_ecartees
        ]
        du, au = date(1990, 1, 1), date(2060, 12, 31)
        b = bilan(lu, policy, du=du, au=au)
        comptes = {
            k: (i.accompagnees, i.sorties, i.encore_suivies)
            for k, i in b.par_dispositif.items()
            if i.accompagnees
        }
        assert comptes == _comptes_moteur(rejoue, du, au)
        lu.close()
        par_morceaux = JournalLu(JsonlSource(chemin, bloc=97, lot=3), policy, groupe=5)
        assert par_morceaux.problemes(None) == lu.problemes(None)
        assert bilan(par_morceaux, policy, du=du, au=au).to_dict() == b.to_dict()
        par_morceaux.close()


@pytest.mark.parametrize(
    "fin",
    [b"\t\n \t\n", b" ", b"\t \r", b"\x0b"],
    ids=["tab-and-space-lines", "torn-space", "torn-tab-cr", "torn-vertical-tab"],
)
def test_regression_a_line_of_ascii_spaces_is_blank_for_both_readers(tmp_path: Path, fin: bytes) -> None:
    """Found by the property above: a last line of spaces without its newline was torn for the
    reports and blank for the engine (and a tab line was invalid JSON for them); the format
    reads a line of spaces and tabs as blank, newline or not (a form feed inside the file is a
    control character both readers refuse)."""
    policy = load_policy("meurthe_et_moselle")
    debut = b'{"dossier": "a", "date": "2018-03-17", "evenement": "demarrage", '
    debut += b'"dispositif": "accompagnement_cec"}\n'
    (tmp_path / "j.jsonl").write_bytes(debut + fin)
    rejoue = Engine.replay(policy, tmp_path / "j.jsonl", ecarter=True)
    lu = read_journal(tmp_path / "j.jsonl", policy)
    assert (list(rejoue.dossiers), rejoue.lignes_ecartees) == (["a"], [])
    assert lu.problemes(None) == []
    lu.close()
