"""Every bound of parcours.limits is documented, with its value, in the guide and the events page."""

from __future__ import annotations

import re

import pytest
from doctest_blocs import RACINE

from parcours import limits

PAGES = ["docs/guide/politique.md", "docs/evenements.md"]


def _valeur_ecrite(page: str, nom: str) -> int:
    """The value the page's table gives ``nom`` (its first number, French digit groups)."""
    texte = (RACINE / page).read_text(encoding="utf-8")
    ligne = re.search(rf"^\| `{nom}` \| ([0-9][0-9 ]*)", texte, re.MULTILINE)
    assert ligne is not None, f"{page} ne documente pas {nom}"
    return int(ligne.group(1).replace(" ", ""))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("nom", limits.__all__)
def test_each_bound_is_in_the_page_with_its_value(page: str, nom: str) -> None:
    assert _valeur_ecrite(page, nom) == getattr(limits, nom)
