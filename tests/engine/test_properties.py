"""Properties over random event streams: refusals change nothing; replay equals the live engine;
capacity is exactly what the policy says.

The policy (politique_test.yaml) has ``global`` with 4 places in 2017 and 3 from 2018
(``si_complet: attente``, convention 01/01/2017 → 31/12/2018) and ``social`` with 2 places
(``si_complet: refus``). A model kept by the test — the dossiers whose accompaniment is open,
the waiting list, in arrival order — says what each démarrage and each exit must do with the
places in force that day (read from the table below, not from the engine's compiled rules):
start, wait, be refused, or start a waiting dossier by a generated démarrage.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from parcours.engine import Engine, JsonlJournal
from parcours.errors import TransitionError
from parcours.policies import Policy
from parcours.vocabulary import EVENEMENTS

_FINALES = ("sortie", "reorientation")
_OUVERTES = ("demarrage", "bilan")
_AVANT = (None, "nouveau", "reperage", "prescription", "diagnostic_partage")
# Démarrages and exits weigh more than once so that the places fill and free often.
_EVENEMENTS = (*EVENEMENTS, *["demarrage"] * 8, "sortie")
_EVENT = st.tuples(
    st.sampled_from("abcdefghijklmn"),
    st.integers(0, 20),
    st.sampled_from(_EVENEMENTS),
    st.sampled_from(["global", "social"]),
    st.sampled_from(["cdi", "abandon"]),
    st.integers(0, 30),
    st.integers(0, 9),
)


def _places(dispositif: str, jour: date) -> int:
    """The places of politique_test.yaml, by hand."""
    if dispositif == "social":
        return 2
    return 4 if jour < date(2018, 1, 1) else 3


def _ouvert(dispositif: str, jour: date) -> bool:
    return dispositif == "social" or date(2017, 1, 1) <= jour <= date(2018, 12, 31)


@dataclass
class _Places:
    """The test's model of one dispositif's places."""

    ouverts: set[str] = field(default_factory=set)
    attente: list[str] = field(default_factory=list)

    def servir(self, dispositif: str, jour: date) -> list[str]:
        """The waiting dossiers that start on ``jour``, in order (they leave the list)."""
        partis = self.a_servir(dispositif, jour)
        del self.attente[: len(partis)]
        self.ouverts.update(partis)
        return partis

    def a_servir(self, dispositif: str, jour: date) -> list[str]:
        libres = _places(dispositif, jour) - len(self.ouverts) if _ouvert(dispositif, jour) else 0
        return self.attente[: max(libres, 0)]


def _event(spec: tuple[str, int, str, str, str, int, int], jour: date, connu: bool) -> dict[str, Any]:
    """The event a caller sends: the dispositif on a dossier's first event (and, now and then,
    on a later one, where naming another dispositif is refused)."""
    dossier, _, evenement, dispositif, motif, cle, tirage = spec
    event: dict[str, Any] = {"dossier": dossier, "date": jour.isoformat(), "evenement": evenement}
    if not connu or tirage == 0:
        event["dispositif"] = dispositif
    event["id"] = f"{dossier}-{cle}"
    if evenement == "sortie":
        event["motif"] = motif
    return event


def _demarrage(engine: Engine, model: dict[str, _Places], event: dict[str, Any], jour: date) -> str:
    """Apply a caller's démarrage and check what capacity made of it: the waiting list served
    first, then a place, the waiting list or, when every place is taken, a refusal."""
    dossier = engine.dossiers.get(event["dossier"])
    disp = dossier.dispositif if dossier is not None else event["dispositif"]
    places, etat = _places(disp, jour), model[disp]
    complet = disp == "social" and len(etat.ouverts) >= places
    servis = etat.a_servir(disp, jour) if disp == "global" else []
    try:
        resultat = engine.apply(event)
    except TransitionError as exc:
        if "toutes les places sont prises" not in str(exc):
            raise  # refused before capacity is looked at (another dispositif, an id in conflict...)
        assert complet and f"toutes les places sont prises ({len(etat.ouverts)}/{places})" in str(exc)
        return "refus"
    assert not complet, f"{event} : démarrage accepté sur {len(etat.ouverts)}/{places} places"
    assert etat.servir(disp, jour) == servis == [g["dossier"] for g in resultat.generes]
    if len(etat.ouverts) < places:
        assert (resultat.evenement, resultat.apres) == ("demarrage", "demarrage")
        etat.ouverts.add(event["dossier"])
        return "service" if servis else "demarrage"
    assert (resultat.evenement, resultat.apres) == ("attente", "attente")
    etat.attente.append(event["dossier"])
    return "attente"


def _apply(engine: Engine, model: dict[str, _Places], event: dict[str, Any], jour: date) -> str:
    """Apply one event; returns what capacity made of it (or « refusé », « autre »)."""
    before = {k: d.champs() for k, d in engine.dossiers.items()}
    dossier = engine.dossiers.get(event["dossier"])
    avant = None if dossier is None else dossier.state
    try:
        if event["evenement"] == "demarrage" and avant in (
            None,
            "nouveau",
            "reperage",
            "prescription",
            "diagnostic_partage",
        ):
            return _demarrage(engine, model, event, jour)
        resultat = engine.apply(event)
    except TransitionError as exc:
        assert "toutes les places sont prises" not in str(exc)
        assert {k: d.champs() for k, d in engine.dossiers.items()} == before
        return "refusé"
    disp = engine.dossiers[event["dossier"]].dispositif
    etat = model[disp]
    servis: list[str] = []
    if resultat.applique and resultat.evenement in _FINALES:
        if avant in _OUVERTES:
            etat.ouverts.discard(event["dossier"])
            servis = etat.servir(disp, jour)
        elif avant == "attente":
            etat.attente.remove(event["dossier"])  # leaves the list from wherever it stood
    assert [(g["dossier"], g["date"]) for g in resultat.generes] == [(s, jour.isoformat()) for s in servis]
    return "service" if servis else "autre"


def _check(engine: Engine, model: dict[str, _Places]) -> None:
    for disp, etat in model.items():
        assert engine.etat_dispositif(disp).occupes == len(etat.ouverts)
        assert {k for k, d in engine.dossiers.items() if d.dispositif == disp and d.state in _OUVERTES} == (
            etat.ouverts
        )
        assert engine.attente(disp) == etat.attente


@settings(max_examples=40, deadline=None)
@given(st.lists(_EVENT, min_size=20, max_size=80))
def test_random_streams_replay_to_the_live_state(policy: Policy, specs: list[Any]) -> None:
    model = {"global": _Places(), "social": _Places()}
    seen: set[str] = set()
    with tempfile.TemporaryDirectory() as folder:  # a fresh journal for every example
        chemin = Path(folder) / "j.jsonl"
        live = Engine(policy, JsonlJournal(chemin))
        jour = date(2017, 12, 1)
        for spec in specs:
            jour += timedelta(days=spec[1])
            seen.add(_apply(live, model, _event(spec, jour, spec[0] in live.dossiers), jour))
            _check(live, model)
        live.close()
        replayed = Engine.replay(policy, JsonlJournal(chemin))
    for kind in ("attente", "refus", "service"):
        event(f"capacité : {kind} {'vu' if kind in seen else 'absent'}")
    assert {k: d.champs() for k, d in replayed.dossiers.items()} == {
        k: d.champs() for k, d in live.dossiers.items()
    }
    _check(replayed, model)
