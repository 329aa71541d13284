"""The bounds of every file parcours reads, in one place.

Policies, cohort models, journals and CSV exports come from other people's tools and hands:
each bound below keeps the time and memory a file can cost in proportion to what the
language needs, and each refusal is a French error naming the file and the line (the guide
lists them: docs/guide/politique.md, docs/evenements.md). A bound is checked before the work
it protects: the YAML reader counts the nesting while it reads, before it descends into a
node; a journal line's length and nesting are measured before it is decoded.
"""

from __future__ import annotations

__all__ = [
    "ALIAS_YAML_MAX",
    "DISPOSITIFS_MAX",
    "HERITAGE_MAX",
    "LONGUEUR_IDENTIFIANT_MAX",
    "LONGUEUR_LIGNE_MAX",
    "MOTIFS_MAX",
    "NOEUDS_YAML_MAX",
    "PROFONDEUR_JSON_MAX",
    "PROFONDEUR_YAML_MAX",
    "TAILLE_CHAMP_MAX",
    "TAILLE_YAML_MAX",
    "VERSIONS_MAX",
]

# Policy and cohort files (YAML)

#: Bytes of a policy or cohort file (1 Mio; the largest bundled policy is under 100 Kio).
TAILLE_YAML_MAX = 1024 * 1024
#: Nesting of mappings and lists in a policy or cohort file (the language needs about 12).
PROFONDEUR_YAML_MAX = 32
#: Aliases (``*nom``) in one file: more is the « billion laughs » attack.
ALIAS_YAML_MAX = 10
#: Nodes of a document once its aliases are expanded.
NOEUDS_YAML_MAX = 200_000
#: Policies in one ``herite`` chain (the file itself included).
HERITAGE_MAX = 8
#: Dispositifs of one policy or cohort model.
DISPOSITIFS_MAX = 200
#: Exit reasons (``motifs_sortie``, a cohort's ``motifs``, lists of motifs) of one dispositif.
MOTIFS_MAX = 200
#: Dated versions of one value (dates of effect).
VERSIONS_MAX = 100

# Journals (JSONL lines, the ``ligne`` of a SQLite journal)

#: Bytes of one journal line, its newline aside (1 Mio; an event of parcours is under 1 Kio).
LONGUEUR_LIGNE_MAX = 1024 * 1024
#: Nesting of objects and arrays in one journal line (an event needs 3: ``profil``, ``details``).
PROFONDEUR_JSON_MAX = 64
#: Characters of an identifier of an event (``dossier``, ``id``, ``dispositif``, ``acteur``,
#: ``motif``, ``vers``; an alert line's ``alerte``, ``niveau``, ``regle``): messages quote them.
LONGUEUR_IDENTIFIANT_MAX = 256

# CSV exports

#: Bytes of one CSV field (1 Mio).
TAILLE_CHAMP_MAX = 1024 * 1024
