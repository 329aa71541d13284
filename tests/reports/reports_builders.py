"""Policies and journal builders for the reports tests (seed figures stay in the tests)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from parcours.policies import Policy, load_policy_text

# Exit reasons of seed 002 (ARS Nancy, 2018 totals), one categorie each.
MOTIFS_002 = """
      cdi_cdd: {libelle: "CDI / CDD", categorie: activite_professionnelle, positive: true, emploi: true}
      cddi_cae_cui:
        {libelle: "CDDI / CAE / CUI", categorie: activite_professionnelle, positive: true, emploi: true}
      formation_qualifiante: {libelle: Formation qualifiante, categorie: formation, positive: true}
      sortie_rsa: {libelle: Sortie du dispositif RSA, categorie: sortie_rsa, positive: false}
      relais: {libelle: Relais après levée des freins majeurs, categorie: relais, positive: false}
      abandon: {libelle: Abandon, categorie: abandon, positive: false}
      incarceration: {libelle: Incarcération, categorie: incarceration, positive: false}
      deces: {libelle: Décès, categorie: deces, positive: false}
"""

# The conventions of seed 002 with their capacity and interview rhythm.
CONVENTIONS_002 = {
    "nancy_couronne": ("Nancy Couronne", 175, "15 jours"),
    "dom": ("Public sans domicile fixe (DOM)", 110, "1 mois"),
    "lunevillois": ("Lunévillois", 45, "15 jours"),
    "terres_de_lorraine": ("Terres de Lorraine", 35, "15 jours"),
    "dsp": ("Dispositif de sécurisation de parcours", 60, "1 mois"),
    "cec": ("Salariés en CEC", 21, "1 mois"),
}


def policy_002() -> Policy:
    parts = ['departement: "54"', "libelle: Meurthe-et-Moselle (test)", "dispositifs:"]
    for ident, (libelle, places, rythme) in CONVENTIONS_002.items():
        parts.append(
            f"""  {ident}:
    libelle: "{libelle}"
    etapes: [prescription, demarrage, bilan, sortie, reorientation]
    capacite: {{places: {places}, etp: 2, portefeuille_par_etp: 60}}
    rythme_entretiens: {{intervalle_max: {rythme}}}
    resultats_attendus:
      reprise: {{libelle: Taux de reprise d'activité ou d'emploi, taux: 15 %, selon: emploi}}
      positives: {{libelle: Sorties positives, taux: 15 %, selon: positive}}
    motifs_sortie:{MOTIFS_002}"""
        )
    return load_policy_text("\n".join(parts) + "\n", "meurthe_et_moselle_test.yaml")


# Exit situations of seed 004 (accompagnement global, Moselle).
MOTIFS_004 = """
      nouvelle_modalite_pe:
        {libelle: Nouvelle modalité d'accompagnement Pôle emploi, categorie: relais, positive: false}
      cdi: {libelle: CDI, categorie: emploi_durable, positive: true, emploi: true}
      cdd_ctt_plus_6_mois:
        {libelle: CDD/CTT > 6 mois, categorie: emploi_durable, positive: true, emploi: true}
      cdd_ctt_moins_6_mois:
        {libelle: CDD/CTT < 6 mois, categorie: emploi_court, positive: false, emploi: true}
      creation_entreprise:
        {libelle: Création reprise d'entreprise, categorie: emploi_durable, positive: true, emploi: true}
      formation: {libelle: Formation, categorie: formation, positive: true}
      retrait_marche_travail: {libelle: Retrait du marché du travail, categorie: autre, positive: false}
      autre: {libelle: "Autres sorties (abandon, déménagement...)", categorie: autre, positive: false}
"""


def policy_004() -> Policy:
    text = f"""departement: "57"
libelle: Moselle (test)
dispositifs:
  accompagnement_global:
    libelle: Accompagnement global
    etapes: [reperage, prescription, diagnostic_partage, demarrage, bilan, sortie, reorientation]
    capacite: {{places: 1330}}
    rythme_entretiens: {{intervalle_max: 1 mois}}
    veille: {{duree: 6 mois}}
    motifs_sortie:{MOTIFS_004}"""
    return load_policy_text(text, "moselle_test.yaml")


def day_in(year: int, rng: random.Random, lo: int = 0, hi: int = 364) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randint(lo, hi))


class JournalBuilder:
    """Writes whole parcours as events, in application order per dossier."""

    def __init__(self, seed: int = 0) -> None:
        self.events: list[dict[str, Any]] = []
        self.rng = random.Random(seed)
        self.n = 0

    def new_id(self, prefix: str = "D") -> str:
        self.n += 1
        return f"{prefix}{self.n:06d}"

    def parcours(
        self,
        dispositif: str,
        debut: date | None,
        fin: date | None = None,
        motif: str | None = None,
        profil: dict[str, Any] | None = None,
        entretiens: list[date] | None = None,
        reorientation: bool = False,
        prescription: date | None = None,
    ) -> str:
        dossier = self.new_id()
        # a prescription, or straight into the accompaniment (allowed whatever the steps before)
        first: dict[str, Any] = {
            "dossier": dossier,
            "date": (prescription or debut or date(2000, 1, 1)).isoformat(),
            "evenement": "prescription" if prescription is not None or debut is None else "demarrage",
            "dispositif": dispositif,
        }
        if profil:
            first["profil"] = profil
        self.events.append(first)
        if debut is not None and first["evenement"] == "prescription":
            self.events.append({"dossier": dossier, "date": debut.isoformat(), "evenement": "demarrage"})
        if debut is not None:
            for d in entretiens or []:
                self.events.append(
                    {
                        "dossier": dossier,
                        "date": d.isoformat(),
                        "evenement": "entretien",
                        "presence": "present",
                    }
                )
        if fin is not None:
            if reorientation:
                self.events.append(
                    {"dossier": dossier, "date": fin.isoformat(), "evenement": "reorientation"}
                )
            else:
                self.events.append(
                    {"dossier": dossier, "date": fin.isoformat(), "evenement": "sortie", "motif": motif}
                )
        return dossier

    def yearly_table(
        self, dispositif: str, rows: list[tuple[int, int, int, int]], motifs: Iterator[str] | None = None
    ) -> None:
        """Dossiers giving ``(year, accompagnées, sorties, encore suivies)`` for consecutive years.

        People still followed at the end of a year are carried into the next; the others
        accompanied in a year start in it. Exits take the carried people first.
        """
        rng = self.rng
        open_: list[date] = []  # start dates of accompaniments open at the end of the previous year
        for year, acc, sorties, encore in rows:
            assert acc == sorties + encore, "a seed table must satisfy the identity"
            assert acc >= len(open_), "a year cannot accompany fewer people than it carries"
            starts = open_ + [day_in(year, rng, 0, 300) for _ in range(acc - len(open_))]
            order = list(range(len(starts)))  # carried people leave first
            leaving, staying = order[:sorties], order[sorties:]
            for i in leaving:
                lo = max(0, (starts[i] - date(year, 1, 1)).days)
                fin = day_in(year, rng, lo, 364)
                motif = next(motifs) if motifs is not None else "relais"
                self.parcours(dispositif, starts[i], fin, motif)
            open_ = [starts[i] for i in staying]
        # still open after the last year: their parcours never close
        for start in open_:
            self.parcours(dispositif, start)

    def noise(self, dispositif: str, year: int, last_year: int | None = None) -> None:
        """Dossiers that count in no year from ``year`` to ``last_year``: closed before,
        starting after, prescribed but never started (and alerted on)."""
        rng = self.rng
        last_year = last_year or year
        self.parcours(dispositif, day_in(year - 1, rng, 0, 100), date(year - 1, 12, 31), "relais")
        self.parcours(dispositif, date(last_year + 1, 1, 1), None)
        dossier = self.parcours(dispositif, None, prescription=day_in(year, rng))  # never started
        self.events.append(
            {
                "dossier": dossier,
                "date": f"{year}-12-31",
                "evenement": "alerte",
                "dispositif": dispositif,
                "alerte": "relance",
                "niveau": "info",
                "message": "pas de démarrage",
                "regle": "test:1",
                "genere": True,
            }
        )
