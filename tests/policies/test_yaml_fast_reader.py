"""The libyaml-backed reader gives exactly what the pure-Python reader gives.

``read_yaml`` lets libyaml scan and parse (ten times faster on a bundled policy) and falls back
to the pure-Python reader for the wording of syntax errors. These tests compare both paths on
every bundled policy, every broken file of ``invalid/``, generated policies and their mutations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from parcours.errors import PolicyError
from parcours.policies import _yaml
from parcours.policies._yaml import read_yaml
from parcours.testing import politiques_invalides, politiques_valides

ROOT = Path(__file__).resolve().parents[2]
INVALID = Path(__file__).parent / "invalid"
FILES = sorted((ROOT / "policies").rglob("*.yaml")) + sorted(INVALID.glob("*.yaml"))
SYNTAX = [
    b"a: 1\n\tb: 2\n",
    b"a: [1, 2\n",
    b"a: 'non ferm\xc3\xa9e\n",
    b"a: b: c\n",
    b"- a\nb: 1\n",
    b"a: *inconnu\n",
    b'a: "\\q"\n',
    b"a: 1\n---\nb: 2\n",
    b"a: &x [1]\nb: *x\nc: *x\n",
    b"a: !!python/object:os.system ls\n",
    b"a: 2018-02-30\n",
    b"a: " + b"[" * 100 + b"]" * 100 + b"\n",  # nesting past the bound
    b"".join(b" " * i + b"k%d:\n" % i for i in range(60)) + b" " * 60 + b"x: 1\n",
    b"a: " + b"{b: " * 50 + b"1" + b"}" * 50 + b"\n",
]


def _outcome(raw: bytes, fast: bool) -> tuple[str, object]:
    try:
        located = read_yaml(raw, "f.yaml", fast=fast)
    except PolicyError as exc:
        return "erreur", str(exc)
    return "ok", (located.data, located.valeurs, located.cles)


def test_libyaml_is_available_here() -> None:
    """The fast path is what users get with the PyYAML wheels; check it is really exercised."""
    assert getattr(yaml, "__with_libyaml__", False)
    assert _yaml._CParser is not None
    located = _yaml._compose("a: 1\n", fast=True)[1]
    assert isinstance(located, _yaml._CParser)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fast_reader_equals_pure_python_reader_on_files(path: Path) -> None:
    raw = path.read_bytes()
    assert _outcome(raw, fast=True) == _outcome(raw, fast=False)


@pytest.mark.parametrize("raw", SYNTAX)
def test_fast_reader_equals_pure_python_reader_on_syntax_errors(raw: bytes) -> None:
    fast = _outcome(raw, fast=True)
    assert fast == _outcome(raw, fast=False)


@given(politiques_valides())
def test_fast_reader_equals_pure_python_reader_on_generated_policies(cas: object) -> None:
    raw = cas.texte.encode("utf-8")  # type: ignore[attr-defined]
    fast = _outcome(raw, fast=True)
    assert fast[0] == "ok"
    assert fast == _outcome(raw, fast=False)


@given(politiques_invalides(), st.booleans())
def test_fast_reader_equals_pure_python_reader_on_mutated_policies(cas: object, tabs: bool) -> None:
    text: str = cas.texte  # type: ignore[attr-defined]
    if tabs:  # a syntax error as well, somewhere in the file
        text = text.replace("\n  ", "\n\t", 1)
    raw = text.encode("utf-8")
    assert _outcome(raw, fast=True) == _outcome(raw, fast=False)
