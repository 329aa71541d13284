"""A safe YAML reader that records where every node is.

It accepts only the plain YAML types (mappings, sequences, strings, numbers, booleans, null,
dates) and refuses, with a located French message: files over 1 MiB, non-UTF-8 bytes (a UTF-16
file included), control characters, empty files, syntax errors, duplicate keys, every explicit
tag other than the standard scalar ones (``!!python/...`` above all), merge keys, more than a
few aliases (billion laughs), and nesting deeper than PROFONDEUR_YAML_MAX. The bounds are those
of :mod:`parcours.limits`; nesting and aliases are counted while the document is read, node by
node, before the reader descends into a node: a deep file is refused at the first node too
deep, never by a ``RecursionError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from parcours._text import encodage_bom
from parcours.errors import PolicyError, Problem
from parcours.limits import ALIAS_YAML_MAX, NOEUDS_YAML_MAX, PROFONDEUR_YAML_MAX, TAILLE_YAML_MAX

__all__ = ["Located", "Pos", "read_yaml"]

Path = tuple[Any, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_TRANSLATIONS = (
    ("found character '\\t' that cannot start any token", "tabulation interdite (indentez avec des espaces)"),
    ("found a tab character", "tabulation interdite (indentez avec des espaces)"),
    ("mapping values are not allowed here", "« : » inattendu ici (indentation incorrecte ?)"),
    ("did not find expected key", "clé attendue à cet endroit (indentation incorrecte ?)"),
    ("could not find expected ':'", "« : » attendu après la clé"),
    ("did not find expected '-' indicator", "« - » attendu (élément de liste mal indenté ?)"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"),
    ("expected <document start>", "contenu inattendu après la fin du document"),
    ("found undefined alias", "alias non défini"),
    ("found unknown escape character", "séquence d'échappement inconnue dans une chaîne"),
    ("while scanning a quoted scalar", "chaîne entre guillemets non fermée"),
)


@dataclass(frozen=True)
class Pos:
    """1-based line and column."""

    ligne: int
    colonne: int


@dataclass
class Located:
    """A YAML document as plain Python values, with the position of each key and value."""

    data: Any
    fichier: str
    valeurs: dict[Path, Pos]
    cles: dict[Path, Pos]

    def pos(self, path: Path, *, cle: bool = False) -> Pos | None:
        """The position of the node at ``path`` (of its key if ``cle``), else of its parent."""
        table = self.cles if cle else self.valeurs
        probe = tuple(path)
        while True:
            found = table.get(probe) or self.valeurs.get(probe)
            if found is not None or not probe:
                return found
            probe = probe[:-1]


class _Refus(yaml.composer.ComposerError):
    """A bound of the reader was crossed: the message is already French and located."""


class _Bornes(yaml.composer.Composer):
    """Counts aliases and nesting while composing, node by node, and refuses more than
    ALIAS_YAML_MAX aliases (billion laughs) or PROFONDEUR_YAML_MAX levels (the composer and
    the builder descend recursively: the count stops them long before Python's limit)."""

    alias_count = 0
    profondeur = 0

    def _refuser(self, message: str) -> _Refus:
        event = self.peek_event()  # type: ignore[attr-defined]
        return _Refus(None, None, message, event.start_mark)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            self.alias_count += 1
            if self.alias_count > ALIAS_YAML_MAX:
                raise self._refuser(
                    f"plus de {ALIAS_YAML_MAX} alias : refusé (protection contre l'explosion des alias)"
                )
        elif self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):  # type: ignore[attr-defined]
            if self.profondeur >= PROFONDEUR_YAML_MAX:
                raise self._refuser(
                    f"imbrication trop profonde : plus de {PROFONDEUR_YAML_MAX} niveaux de clés et de listes"
                )
            self.profondeur += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.profondeur -= 1
        return super().compose_node(parent, index)


class _Loader(_Bornes, yaml.SafeLoader):
    """The pure-Python reader: the reference, and the source of every syntax message."""


_CParser: Any
try:  # libyaml's scanner and parser, shipped in PyYAML's wheels
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

if _CParser is not None:

    class _FastLoader(
        _Bornes,
        _CParser,  # type: ignore[misc]
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """libyaml scans and parses (ten times faster); composing stays in Python, so aliases
        and levels are counted and nodes are built exactly as by ``_Loader``."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)


def _compose(text: str, fast: bool) -> tuple[Any, Any]:
    """The root node of ``text`` and the loader that composed it (its constructors are used)."""
    loader = _FastLoader(text) if fast and _CParser is not None else _Loader(text)
    try:
        return loader.get_single_node(), loader
    finally:
        loader.dispose()


def _translate(problem: str | None) -> str:
    text = problem or "erreur de syntaxe"
    for english, french in _TRANSLATIONS:
        if english in text:
            return "syntaxe YAML : " + french
    if text.startswith(("plus de", "imbrication")):
        return text
    return f"syntaxe YAML : {text}"


# what the YAML reader refuses as non-printable (PyYAML's Reader.NON_PRINTABLE)
_NON_IMPRIMABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of ``text[index]``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _decode(raw: bytes, fichier: str) -> str:
    if len(raw) > TAILLE_YAML_MAX:
        raise PolicyError(
            Problem(
                f"fichier trop gros ({len(raw)} octets)",
                fichier=fichier,
                ligne=1,
                colonne=1,
                attendu=f"au plus {TAILLE_YAML_MAX} octets (1 Mio)",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        encodage = encodage_bom(raw)
        message = (
            f"le fichier est en {encodage} (marque d'ordre des octets en tête), pas en UTF-8"
            if encodage
            else f"octet 0x{raw[exc.start]:02x} invalide : le fichier n'est pas en UTF-8"
        )
        raise PolicyError(
            Problem(
                message, fichier=fichier, ligne=line, colonne=col, attendu="un fichier texte encodé en UTF-8"
            )
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    interdit = _NON_IMPRIMABLE.search(text)
    if interdit is not None:
        line, col = _position(text, interdit.start())
        raise PolicyError(
            Problem(
                f"caractère de contrôle U+{ord(interdit.group()):04X} : un fichier YAML est du texte",
                fichier=fichier,
                ligne=line,
                colonne=col,
                attendu="du texte, sans caractère de contrôle (tabulation et fins de ligne permises)",
            )
        )
    return text


class _Builder:
    def __init__(self, loader: Any, fichier: str) -> None:
        self.loader = loader
        self.fichier = fichier
        self.valeurs: dict[Path, Pos] = {}
        self.cles: dict[Path, Pos] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.stack: set[int] = set()

    def problem(self, node: yaml.Node, message: str, path: Path, attendu: str | None = None) -> None:
        self.problems.append(
            Problem(
                message,
                fichier=self.fichier,
                ligne=node.start_mark.line + 1,
                colonne=node.start_mark.column + 1,
                chemin=dotted(path),
                attendu=attendu,
            )
        )

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > NOEUDS_YAML_MAX:
            raise _TooBig(node)
        self.valeurs.setdefault(path, Pos(node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in self.stack:
            self.problem(node, "alias récursif refusé", path)
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _SEQ:
                    self.problem(node, f"étiquette YAML « {_tag(node.tag)} » refusée", path, _NO_TAG)
                    return None
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            if node.tag != _MAP:
                self.problem(node, f"étiquette YAML « {_tag(node.tag)} » refusée", path, _NO_TAG)
                return None
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problem(key_node, "la clé de fusion « << » est refusée", path, "des clés explicites")
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(key_node, "une clé doit être un texte simple", path)
                    continue
                key = self.scalar(key_node, path)
                try:
                    hash(key)
                except TypeError:
                    self.problem(key_node, "clé invalide", path)
                    continue
                child = (*path, key)
                if key in result:
                    first = self.cles.get(child)
                    where = f" (déjà définie ligne {first.ligne})" if first else ""
                    self.problem(key_node, f"clé « {key} » en double{where}", child, "des clés uniques")
                    continue
                self.cles[child] = Pos(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, child)
            return result
        finally:
            self.stack.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.problem(
                node,
                f"étiquette YAML « {_tag(node.tag)} » refusée",
                path,
                _NO_TAG,
            )
            return None
        try:
            return self.loader.yaml_constructors[node.tag](self.loader, node)
        except (ValueError, yaml.YAMLError):
            if node.tag.endswith(":timestamp"):
                self.problem(node, f"« {node.value} » n'est pas une date valide", path, "une date AAAA-MM-JJ")
            else:
                self.problem(node, f"valeur « {node.value} » illisible", path)
            return None


class _TooBig(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


_NO_TAG = "aucune étiquette YAML (!! ou !) : des valeurs simples, listes et dictionnaires"


def dotted(path: Path) -> str:
    """``("dispositifs", "dom", "capacite")`` → ``"dispositifs.dom.capacite"``."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            text = part.isoformat() if hasattr(part, "isoformat") else str(part)
            out += ("." if out else "") + text
    return out


def read_yaml(raw: bytes, fichier: str, *, fast: bool = True) -> Located:
    """Parse ``raw`` safely; raise a PolicyError listing every problem found.

    ``fast`` lets libyaml scan and parse when PyYAML was built with it; ``fast=False`` uses the
    pure-Python reader only. Both give the same values, positions and messages.
    """
    text = _decode(raw, fichier)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise PolicyError(
            Problem("fichier vide", fichier=fichier, ligne=1, colonne=1, attendu="une politique YAML")
        )
    try:
        try:
            node, loader = _compose(text, fast)
        except _Refus:
            raise  # a bound: the same node and message from both readers, no second reading
        except yaml.YAMLError:
            if not fast:
                raise
            # libyaml words its errors differently: the pure-Python reader says what is wrong.
            node, loader = _compose(text, False)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PolicyError(
            Problem(
                _translate(exc.problem),
                fichier=fichier,
                ligne=mark.line + 1 if mark else None,
                colonne=mark.column + 1 if mark else None,
            )
        ) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors are mostly marked
        raise PolicyError(Problem(f"syntaxe YAML : {exc}", fichier=fichier)) from exc
    if node is None:
        raise PolicyError(Problem("fichier vide", fichier=fichier, ligne=1, colonne=1))
    builder = _Builder(loader, fichier)
    try:
        data = builder.build(node, ())
    except _TooBig as big:
        raise PolicyError(
            Problem(
                f"document trop grand une fois les alias développés (> {NOEUDS_YAML_MAX} nœuds)",
                fichier=fichier,
                ligne=big.node.start_mark.line + 1,
                colonne=big.node.start_mark.column + 1,
            )
        ) from big
    if builder.problems:
        raise PolicyError(sorted(builder.problems, key=lambda p: (p.ligne or 0, p.colonne or 0)))
    return Located(data, fichier, builder.valeurs, builder.cles)
