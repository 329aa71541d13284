"""Load a policy: read the YAML safely, follow ``herite``, apply ``defauts``, validate.

Every problem of a file is reported at once, each as ``fichier:ligne:colonne: chemin:
problème (attendu : ...)`` in a single :class:`~parcours.errors.PolicyError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from parcours._suggest import suggest
from parcours.errors import PolicyError, Problem
from parcours.limits import HERITAGE_MAX
from parcours.policies._normalise import Canonical, PosMap, merge, normalise
from parcours.policies._yaml import Located, dotted, read_yaml
from parcours.policies.alerts import Alerte
from parcours.policies.bundled import bundled_names, find_bundled
from parcours.policies.rights import MODIFIABLES
from parcours.policies.rules import problemes_ouverture
from parcours.policies.schema import Dispositif, Policy
from parcours.vocabulary import ETAPES

__all__ = ["load_document", "load_policy", "load_policy_text"]

M = TypeVar("M", bound=BaseModel)

Path_ = tuple[Any, ...]
_OVERRIDES: dict[Path_, Any] = {("defauts",): Dispositif}


def _read_source(
    source: str | os.PathLike[str], relative_to: Path | None
) -> tuple[bytes, str, str, Path | None]:
    """Return (bytes, display name, identity key, directory for relative herite)."""
    text = os.fspath(source)
    candidate = Path(text)
    if relative_to is not None and not candidate.is_absolute() and text.endswith((".yaml", ".yml")):
        candidate = relative_to / candidate
    if text.endswith((".yaml", ".yml")) or (os.sep in text and candidate.exists()):
        if not candidate.is_file():
            bundled = find_bundled(text)
            if bundled is not None:
                return (
                    bundled.read_bytes(),
                    f"policies/{text.removeprefix('policies/')}",
                    f"bundled:{text}",
                    None,
                )
            raise PolicyError(
                Problem(
                    f"fichier introuvable : {text}",
                    attendu="un chemin de fichier YAML ou le nom d'une politique fournie",
                )
            )
        resolved = candidate.resolve()
        return (
            candidate.read_bytes(),
            str(candidate) if relative_to is None else os.path.normpath(candidate),
            str(resolved),
            resolved.parent,
        )
    bundled = find_bundled(text)
    if bundled is None:
        names = bundled_names()
        raise PolicyError(
            Problem(
                f"politique « {text} » introuvable",
                attendu=suggest(text, names) if names else "un chemin de fichier YAML",
            )
        )
    return bundled.read_bytes(), f"policies/{text}.yaml", f"bundled:{text}", None


class _Loaded:
    def __init__(self, canonical: Canonical, fichier: str) -> None:
        self.canonical = canonical
        self.fichier = fichier


def _load_chain(source: str | os.PathLike[str], relative_to: Path | None, seen: tuple[str, ...]) -> _Loaded:
    raw, fichier, identity, folder = _read_source(source, relative_to)
    return _load_bytes(raw, fichier, identity, folder, seen)


def _load_bytes(
    raw: bytes, fichier: str, identity: str, folder: Path | None, seen: tuple[str, ...]
) -> _Loaded:
    """Read one policy document and, recursively, the policies it ``herite``s from."""
    if identity in seen:
        chain = " → ".join(Path(p.removeprefix("bundled:")).name for p in (*seen, identity))
        raise PolicyError(Problem(f"héritage circulaire : {chain}", fichier=fichier, ligne=1))
    doc = read_yaml(raw, fichier)
    if not isinstance(doc.data, dict):
        raise PolicyError(
            Problem("une politique doit être un dictionnaire de clés", fichier=fichier, ligne=1, colonne=1)
        )
    canonical = normalise(doc, Policy, _OVERRIDES)
    parent_name = doc.data.get("herite")
    if parent_name is None:
        return _Loaded(canonical, fichier)
    if not isinstance(parent_name, str):
        where = doc.pos(("herite",))
        raise PolicyError(
            Problem(
                "« herite » doit être un nom de politique ou un chemin",
                fichier=fichier,
                ligne=where.ligne if where else None,
                chemin="herite",
            )
        )
    if len(seen) + 2 > HERITAGE_MAX:
        where = doc.pos(("herite",))
        raise PolicyError(
            Problem(
                f"héritage trop long : plus de {HERITAGE_MAX} politiques en chaîne",
                fichier=fichier,
                ligne=where.ligne if where else None,
                colonne=where.colonne if where else None,
                chemin="herite",
                attendu=f"au plus {HERITAGE_MAX} politiques, celle-ci comprise",
            )
        )
    try:
        parent = _load_chain(parent_name, folder, (*seen, identity))
    except PolicyError as exc:
        where = doc.pos(("herite",))
        context = Problem(
            f"en chargeant la politique héritée « {parent_name} »",
            fichier=fichier,
            ligne=where.ligne if where else None,
            colonne=where.colonne if where else None,
            chemin="herite",
        )
        raise PolicyError([context, *exc.problems]) from exc
    surcharges = _surcharges_nationales(parent.canonical, canonical, fichier)
    data = merge(parent.canonical.data, canonical.data)
    data["herite"] = parent_name
    pos: PosMap = {**parent.canonical.pos, **canonical.pos}
    problems = parent.canonical.problems + canonical.problems + surcharges
    return _Loaded(Canonical(data, pos, problems), fichier)


def _surcharges_nationales(parent: Canonical, enfant: Canonical, fichier: str) -> list[Problem]:
    """A policy that inherits a ``droits_devoirs`` block may write under it only what the
    texts leave to the département (rights.MODIFIABLES), and may not redefine a national
    organisme: every other key is a problem at its line."""
    national = parent.data.get("droits_devoirs") if isinstance(parent.data, dict) else None
    ecrit = enfant.data.get("droits_devoirs") if isinstance(enfant.data, dict) else None
    if not isinstance(national, dict) or not isinstance(ecrit, dict):
        return []
    permis = ", ".join(f"droits_devoirs.{k}" for k in MODIFIABLES)

    def probleme(chemin: Path_, message: str, attendu: str) -> Problem:
        doc, brut = enfant.pos.get(chemin, (None, chemin))
        where = doc.pos(brut, cle=True) if doc is not None else None
        return Problem(
            message,
            fichier=doc.fichier if doc is not None else fichier,
            ligne=where.ligne if where else None,
            colonne=where.colonne if where else None,
            chemin=dotted(chemin),
            attendu=attendu,
        )

    problems = [
        probleme(
            ("droits_devoirs", cle),
            "valeur nationale fixée par les textes : une politique qui hérite de la couche "
            "nationale ne peut pas la remplacer",
            f"seules {permis} se complètent",
        )
        for cle in ecrit
        if cle not in MODIFIABLES
    ]
    organismes = ecrit.get("organismes")
    nationaux = national.get("organismes") or {}
    if isinstance(organismes, dict) and isinstance(nationaux, dict):
        problems.extend(
            probleme(
                ("droits_devoirs", "organismes", cle),
                f"organisme national « {cle} » : il ne peut pas être redéfini",
                "un nouvel identifiant pour un organisme délégataire du département",
            )
            for cle in organismes
            if cle in nationaux
        )
    return problems


def _apply_defaults(canonical: Canonical) -> None:
    data = canonical.data
    defaults = data.get("defauts") or {}
    if not isinstance(defaults, dict) or not isinstance(data.get("dispositifs"), dict):
        return
    for ident, dispositif in list(data["dispositifs"].items()):
        if not isinstance(dispositif, dict):
            continue
        data["dispositifs"][ident] = merge(defaults, dispositif)
        for path, where in list(canonical.pos.items()):
            if path[:1] == ("defauts",) and len(path) > 1:
                target = ("dispositifs", ident, *path[1:])
                if not _defined_in(dispositif, path[1:]):
                    canonical.pos[target] = where
    data["defauts"] = {}


def _defined_in(tree: Any, path: Path_) -> bool:
    node = tree
    for part in path:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]
        else:
            return False
    return True


_TYPE_MESSAGES = {
    "missing": ("clé obligatoire absente", None),
    "int_parsing": ("« {input} » n'est pas un nombre entier", "un nombre entier"),
    "int_type": ("« {input} » n'est pas un nombre entier", "un nombre entier"),
    "int_from_float": ("« {input} » n'est pas un nombre entier", "un nombre entier"),
    "float_parsing": ("« {input} » n'est pas un nombre", "un nombre"),
    "float_type": ("« {input} » n'est pas un nombre", "un nombre"),
    "bool_parsing": ("« {input} » n'est pas un booléen", "true ou false"),
    "bool_type": ("« {input} » n'est pas un booléen", "true ou false"),
    "string_type": ("« {input} » n'est pas un texte", "un texte"),
    "string_pattern_mismatch": (
        "« {input} » n'est pas un identifiant valide",
        "minuscules ASCII, chiffres et _",
    ),
    "date_type": ("« {input} » n'est pas une date", "une date AAAA-MM-JJ"),
    "date_parsing": ("« {input} » n'est pas une date", "une date AAAA-MM-JJ"),
    "date_from_datetime_parsing": ("« {input} » n'est pas une date", "une date AAAA-MM-JJ"),
    "date_from_datetime_inexact": ("« {input} » n'est pas une date sans heure", "une date AAAA-MM-JJ"),
    "dict_type": ("un dictionnaire de clés est attendu ici", "des clés indentées sous celle-ci"),
    "model_type": ("un dictionnaire de clés est attendu ici", "des clés indentées sous celle-ci"),
    "model_attributes_type": ("un dictionnaire de clés est attendu ici", "des clés indentées sous celle-ci"),
    "tuple_type": ("une liste est attendue ici", "une liste « - élément » ou [a, b]"),
    "list_type": ("une liste est attendue ici", "une liste « - élément » ou [a, b]"),
    "extra_forbidden": ("clé inconnue", None),
    "greater_than_equal": ("« {input} » est trop petit", None),
    "greater_than": ("« {input} » est trop petit", None),
}


def _pydantic_problems(exc: ValidationError, canonical: Canonical, fichier: str) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        where: tuple[Located, Path_] | None = None
        probe = loc
        while where is None:
            where = canonical.pos.get(probe)
            if not probe:
                break
            probe = probe[:-1]
        doc, raw_path = where if where else (None, loc)
        if kind == "missing":
            raw_path = (*raw_path, loc[-1]) if where and probe != loc else raw_path
        position = doc.pos(raw_path[:-1] if kind == "missing" else raw_path) if doc else None
        attendu: str | None = None
        if kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            allowed = [
                part.strip(" '") for part in str(expected).replace(" or ", ",").split(",") if part.strip(" '")
            ]
            message = f"« {error['input']} » n'est pas une valeur permise"
            attendu = suggest(str(error["input"]), allowed) if allowed else str(expected)
            if set(allowed) <= set(ETAPES):
                message = f"« {error['input']} » n'est pas une étape connue"
        elif kind in ("value_error", "assertion_error"):
            message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if " (attendu : " in message and message.endswith(")"):
                message, attendu = message.split(" (attendu : ", 1)
                attendu = attendu[:-1]
            # A model-level check that names one of its keys ("message : ...") points at that key.
            key = message.split(" : ", 1)[0]
            if doc is not None and key.isidentifier() and (*raw_path, key) in doc.valeurs:
                raw_path = (*raw_path, key)
                position = doc.pos(raw_path)
                message = message.split(" : ", 1)[1]
        elif kind in _TYPE_MESSAGES:
            template, attendu = _TYPE_MESSAGES[kind]
            message = template.format(input=error.get("input"))
        else:
            message = str(error["msg"])
        shown_path = [p for p in raw_path if p not in ("versions",)]
        problems.append(
            Problem(
                message,
                fichier=doc.fichier if doc else fichier,
                ligne=position.ligne if position else None,
                colonne=position.colonne if position else None,
                chemin=dotted(tuple(shown_path)),
                valeur=error.get("input") if kind != "missing" else None,
                attendu=attendu,
            )
        )
    return problems


def _reference_problems(policy: Policy, canonical: Canonical, fichier: str) -> list[Problem]:
    """Exit reasons referenced (veille, objectives) must be declared by the dispositif."""
    problems: list[Problem] = []

    def report(path: Path_, message: str, attendu: str) -> None:
        doc, raw_path = canonical.pos.get(path, (None, path))
        position = doc.pos(raw_path) if doc else None
        problems.append(
            Problem(
                message,
                fichier=doc.fichier if doc else fichier,
                ligne=position.ligne if position else None,
                colonne=position.colonne if position else None,
                chemin=dotted(raw_path),
                attendu=attendu,
            )
        )

    for ident, dispositif in policy.dispositifs.items():
        declared = list(dispositif.motifs_sortie)
        if dispositif.veille is not None and dispositif.veille.motifs:
            for i, motif in enumerate(dispositif.veille.motifs):
                if motif not in dispositif.motifs_sortie:
                    report(
                        ("dispositifs", ident, "veille", "motifs", i),
                        f"motif de sortie « {motif} » non déclaré",
                        suggest(motif, declared) if declared else "déclarez-le sous motifs_sortie",
                    )
        for key, objectif in dispositif.resultats_attendus.items():
            for i, motif in enumerate(objectif.motifs or ()):
                if motif not in dispositif.motifs_sortie:
                    report(
                        ("dispositifs", ident, "resultats_attendus", key, "motifs", i),
                        f"motif de sortie « {motif} » non déclaré",
                        suggest(motif, declared) if declared else "déclarez-le sous motifs_sortie",
                    )
    for prefix, rules in _alert_rule_sets(policy):
        for key, rule in rules.items():
            for i, ident in enumerate(rule.dispositifs or ()):
                if ident not in policy.dispositifs:
                    report(
                        (*prefix, key, "dispositifs", i),
                        f"dispositif « {ident} » inconnu",
                        suggest(ident, policy.dispositifs),
                    )
            condition = rule.quand.evenements
            wanted = condition.champs.get("motif") if condition is not None else None
            if wanted is not None:
                all_motifs = sorted({m for d in policy.dispositifs.values() for m in d.motifs_sortie})
                if wanted not in all_motifs:
                    report(
                        (*prefix, key, "quand", "evenements", "champs", "motif"),
                        f"motif de sortie « {wanted} » non déclaré",
                        suggest(wanted, all_motifs) if all_motifs else "déclarez-le sous motifs_sortie",
                    )
    return problems


def _alert_rule_sets(policy: Policy) -> list[tuple[Path_, dict[str, Alerte]]]:
    sets: list[tuple[Path_, dict[str, Alerte]]] = [(("alertes",), policy.alertes)]
    sets.extend((("dispositifs", ident, "alertes"), d.alertes) for ident, d in policy.dispositifs.items())
    return sets


def _not_already_reported(found: list[Problem], earlier: list[Problem]) -> list[Problem]:
    """Drop pydantic's echo of a problem the normalisation already reported at or above a key."""
    reported = [(p.fichier, p.chemin) for p in earlier]

    def echoed(problem: Problem) -> bool:
        return any(
            problem.fichier == fichier
            and (problem.chemin == chemin or problem.chemin.startswith(chemin + "."))
            for fichier, chemin in reported
        )

    return [p for p in found if not echoed(p)]


def _finish(loaded: _Loaded, nom: str | None) -> Policy:
    canonical = loaded.canonical
    _apply_defaults(canonical)
    problems = list(canonical.problems)
    policy: Policy | None = None
    try:
        policy = Policy.model_validate(canonical.data)
    except ValidationError as exc:
        problems.extend(_not_already_reported(_pydantic_problems(exc, canonical, loaded.fichier), problems))
    if policy is not None:
        problems.extend(_reference_problems(policy, canonical, loaded.fichier))
        problems.extend(problemes_ouverture(policy))
    if problems:
        unique = list(dict.fromkeys(problems))
        unique.sort(
            key=lambda p: (p.fichier != loaded.fichier, p.fichier or "", p.ligne or 0, p.colonne or 0)
        )
        raise PolicyError(unique)
    assert policy is not None
    policy._fichier = loaded.fichier
    policy._nom = nom
    policy._positions = _positions(canonical)
    return policy


def _positions(canonical: Canonical) -> dict[str, str]:
    out: dict[str, str] = {}
    for path, (doc, raw_path) in canonical.pos.items():
        if "versions" in path or path[:1] == ("defauts",):
            continue
        where = doc.pos(raw_path)
        if where is not None:
            out[dotted(path)] = f"{doc.fichier}:{where.ligne}"
    return out


def load_policy(source: str | os.PathLike[str]) -> Policy:
    """Load a policy from a file path or a bundled name (``"moselle"``).

    Raises :class:`~parcours.errors.PolicyError` listing every problem of the file.
    """
    text = os.fspath(source)
    loaded = _load_chain(source, None, ())
    nom = Path(text).stem if text.endswith((".yaml", ".yml")) else text
    return _finish(loaded, nom)


def load_policy_text(text: str | bytes, fichier: str = "<texte>") -> Policy:
    """Load a policy from YAML text (``herite`` resolves bundled names and absolute paths)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    loaded = _load_bytes(raw, fichier, f"texte:{fichier}", None, ())
    return _finish(loaded, Path(fichier).stem)


def load_document(raw: bytes, fichier: str, model: type[M]) -> M:
    """Read a YAML document of another model of the language (e.g. a cohort model).

    Same safety, same value forms (sourced, date-keyed) and the same located French errors as
    a policy; no ``herite`` nor ``defauts``.
    """
    doc = read_yaml(raw, fichier)
    canonical = normalise(doc, model)
    problems = list(canonical.problems)
    result: M | None = None
    try:
        result = model.model_validate(canonical.data)
    except ValidationError as exc:
        problems.extend(_not_already_reported(_pydantic_problems(exc, canonical, fichier), problems))
    if problems or result is None:
        raise PolicyError(sorted(dict.fromkeys(problems), key=lambda p: (p.ligne or 0, p.colonne or 0)))
    return result
