"""The policies the stream properties draw, applying a plausible stream
(parcours.testing.events.Flux) while checking what capacity made of it event by event, and
the statistics each stream property reports (Hypothesis ``event``)."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import event
from hypothesis import strategies as st

from parcours import load_policy
from parcours.engine import Engine
from parcours.errors import TransitionError
from parcours.policies.schema import Policy
from parcours.simulation import variant
from parcours.testing import CasPolitique, politiques_valides
from parcours.testing.events import Flux

BUNDLED = ("moselle", "meurthe_et_moselle", "seine_saint_denis")


@functools.cache
def fournie(nom: str) -> Policy:
    return load_policy(nom)


@st.composite
def _fournie(draw: st.DrawFn) -> Policy:
    """A bundled policy, as it is one time in three, otherwise with one to three dispositifs
    that have only a few places (1 to 4, also for one that declares none), some refusing
    démarrages when full: its conventions, dated values and alert rules under demand its places
    cannot hold."""
    policy = fournie(draw(st.sampled_from(BUNDLED)))
    if draw(st.integers(0, 2)) == 0:
        return policy  # as it is, one time in three
    choisis = draw(st.lists(st.sampled_from(sorted(policy.dispositifs)), min_size=1, max_size=3, unique=True))
    petite = variant(policy, {f"dispositifs.{k}.capacite.places": draw(st.integers(1, 4)) for k in choisis})
    refus = draw(st.lists(st.sampled_from(choisis), unique=True))
    if not refus:
        return petite
    data = petite.model_dump()
    for k in refus:  # a full dispositif refuses démarrages instead of keeping a waiting list
        data["dispositifs"][k]["capacite"]["si_complet"] = "refus"
    result = Policy.model_validate(data)
    result._fichier, result._nom = petite.fichier, petite.nom  # as variant() keeps them
    return result


def politiques() -> st.SearchStrategy[Policy]:
    """Bundled policies (as they are, or with few places) and generated ones, half and half."""
    return st.one_of(_fournie(), politiques_valides().map(CasPolitique.charger))


COMPLET = "toutes les places sont prises"


def appliquer(engine: Engine, flux: Flux) -> None:
    """Apply ``flux`` event by event: exactly the démarrages it lists are refused (every place
    taken) or put on the waiting list, and the engine generates the démarrages it lists."""
    generes: list[tuple[str, str]] = []
    for i, ev in enumerate(flux):
        if i in flux.refus:
            try:
                engine.apply(ev)
            except TransitionError as exc:
                assert COMPLET in str(exc), (i, ev, str(exc))
                continue
            raise AssertionError(f"événement {i} {ev} : accepté, le flux l'attendait refusé (complet)")
        resultat = engine.apply(ev)  # any TransitionError fails the property
        attendu = "attente" if i in flux.attentes else ev["evenement"]
        assert (resultat.applique, resultat.evenement) == (True, attendu), (i, ev, resultat)
        generes.extend((g["dossier"], g["date"]) for g in resultat.generes)
    assert generes == list(flux.generes)


def appliquer_par_lots(engine: Engine, flux: Flux) -> None:
    """Apply ``flux`` with ``apply_many``, between the refused démarrages, each of which makes
    its batch raise with its position and leaves the events before it applied."""
    debut = 0
    for i in sorted(flux.refus):
        if i > debut:
            engine.apply_many(flux[debut:i])
        try:
            engine.apply_many([flux[i]])
        except TransitionError as exc:
            assert str(exc).startswith(f"événement n° 1 du lot (id « {flux[i]['id']} ») : ")
            assert COMPLET in str(exc)
        else:
            raise AssertionError(f"événement {i} {flux[i]} : accepté, le flux l'attendait refusé (complet)")
        debut = i + 1
    engine.apply_many(flux[debut:])


def statistiques(flux: Flux) -> None:
    """Say which capacity cases the stream meets (``--hypothesis-show-statistics``)."""
    vus = [
        nom for nom, n in (("attente", flux.attentes), ("refus", flux.refus), ("généré", flux.generes)) if n
    ]
    event("capacité : " + (", ".join(vus) if vus else "jamais complet"))
    event("capacité dépassée : " + ("oui" if vus else "non"))


def etats(engine: Engine) -> dict[str, dict[str, Any]]:
    return {ident: d.champs() for ident, d in engine.dossiers.items()}
