"""Seed 002's yearly tables, copied by hand from 002_94a0ace7a1081912.txt (« Personnes
accompagnées / sorties / encore suivies au 31/12 », columns 2016, 2017, 2018): per convention,
(accompanied, exited, still followed on 31/12), each a triple of years. The tests hold the
bundled policy and the calibrated simulation to this hand copy, not to the shipped CSV table."""

from __future__ import annotations

ANNEES = (2016, 2017, 2018)

TABLES_002: dict[str, tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]] = {
    "referent_unique_nancy_couronne": ((237, 222, 251), (159, 107, 137), (78, 115, 114)),
    "referent_unique_sdf": ((144, 176, 150), (77, 102, 81), (67, 74, 69)),
    "lunevillois": ((50, 70, 58), (22, 25, 24), (28, 45, 34)),
    "terres_de_lorraine": ((42, 37, 31), (42, 17, 31), (0, 20, 0)),
    "dispositif_securisation_parcours": ((130, 119, 126), (71, 90, 77), (59, 29, 49)),
    "accompagnement_cec": ((16, 20, 21), (7, 6, 10), (9, 14, 11)),
}
