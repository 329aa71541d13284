"""The figures of a bilan, as plain frozen dataclasses of counts (rates are derived).

Every rate is a property computed from two counts, so that the JSON keeps the counts and a
reader can check or re-aggregate them; rounding happens only when a figure is displayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Activite",
    "BilanVeille",
    "CapacitePartagee",
    "Indicateurs",
    "IndicateursDroits",
    "Occupation",
    "ResultatObjectif",
    "Rythme",
    "part",
]


def part(numerateur: int | float, denominateur: int | float) -> float | None:
    """``numerateur / denominateur``, or None when there is nothing to divide by."""
    if not denominateur:
        return None
    return numerateur / denominateur


@dataclass(frozen=True)
class ResultatObjectif:
    """An expected result of the policy (« 15 % de sorties positives ») against the period."""

    libelle: str
    taux_attendu: float | None
    numerateur: int
    denominateur: int
    base: str  # "sorties" or "accompagnees"

    @property
    def taux_obtenu(self) -> float | None:
        return part(self.numerateur, self.denominateur)

    @property
    def atteint(self) -> bool | None:
        obtenu = self.taux_obtenu
        if obtenu is None or self.taux_attendu is None:
            return None
        return obtenu >= self.taux_attendu


@dataclass(frozen=True)
class Activite:
    """Activity of the period (seed 003's indicators)."""

    cer_signes: int = 0
    rendez_vous: int = 0  # interviews held (presence not « absent »)
    rendez_vous_manques: int = 0
    personnes_recues: int = 0  # dossiers with an event (not generated, not an alert) in the period
    personnes_mobilisees: int = 0  # of those, the ones whose accompaniment has started
    entrees_accompagnement_global: int = 0
    reorientations: int = 0

    @property
    def taux_mobilisation(self) -> float | None:
        return part(self.personnes_mobilisees, self.personnes_recues)


@dataclass(frozen=True)
class Rythme:
    """Interview deadlines (policy's ``rythme_entretiens``) falling due in the period."""

    echeances_dues: int = 0
    echeances_tenues: int = 0

    @property
    def echeances_depassees(self) -> int:
        return self.echeances_dues - self.echeances_tenues

    @property
    def taux_respect(self) -> float | None:
        return part(self.echeances_tenues, self.echeances_dues)


@dataclass(frozen=True)
class Occupation:
    """Places used, day by day, against the capacity and the référents' ETP."""

    jours: int = 0
    jours_accompagnement: int = 0  # sum over days of the accompaniments open that day
    places: float | None = None  # capacity averaged over the days it is defined
    etp: float | None = None
    portefeuille_par_etp: int | None = None
    par_mois: dict[str, float] = field(default_factory=dict)  # "2018-01" → average occupancy

    @property
    def occupation_moyenne(self) -> float | None:
        return part(self.jours_accompagnement, self.jours)

    @property
    def taux_occupation(self) -> float | None:
        moyenne = self.occupation_moyenne
        if moyenne is None or not self.places:
            return None
        return moyenne / self.places

    @property
    def charge_par_etp(self) -> float | None:
        moyenne = self.occupation_moyenne
        if moyenne is None or not self.etp:
            return None
        return moyenne / self.etp


@dataclass(frozen=True)
class CapacitePartagee:
    """A capacity that several dispositifs share (the policy's ``capacites_communes``)."""

    libelle: str
    dispositifs: tuple[str, ...]
    occupation: Occupation  # the accompaniments of all these dispositifs against the shared places


@dataclass(frozen=True)
class BilanVeille:
    """Situation some months after the exit, where the journal records it (``veille`` events)."""

    sorties_observees: int = 0
    en_emploi: int = 0

    @property
    def taux_emploi(self) -> float | None:
        return part(self.en_emploi, self.sorties_observees)


@dataclass(frozen=True)
class IndicateursDroits:
    """The indicators of the droits et devoirs track over a period (reports/rights.py).

    A rate counts the *mature* delays only (rdv-insertion's rule): those whose deadline has
    passed by the end of the period; the number of mature delays is kept beside each rate.
    """

    evenements: int = 0  # applied lines of the track dated in the period
    orientes: int = 0  # dossiers oriented in the period
    matures_orientation: int = 0  # rights opened in the period whose orientation delay is over
    orientations_dans_le_delai: int = 0
    delai_median_orientation_jours: float | None = None
    contrats_engagement: int = 0  # contracts signed in the period
    matures_contrat: int = 0  # orientations of the period whose contract delay is over
    contrats_dans_le_delai: int = 0
    delai_median_contrat_jours: float | None = None
    contrats_avec_heures: int = 0
    heures_contractuelles: float = 0.0  # the sum of their weekly hours
    dispenses: int = 0
    sanctions: int = 0
    matures_remobilisation: int = 0  # sanctions of the period whose suspension is over
    remobilisations_dans_le_delai: int = 0
    reexamens_en_retard: int = 0  # social parcours overdue for re-examination at the period's end

    @property
    def taux_orientation_6_semaines(self) -> float | None:
        return part(self.orientations_dans_le_delai, self.matures_orientation)

    @property
    def taux_contrat_1_mois(self) -> float | None:
        return part(self.contrats_dans_le_delai, self.matures_contrat)

    @property
    def heures_hebdomadaires_moyennes(self) -> float | None:
        return part(self.heures_contractuelles, self.contrats_avec_heures)

    @property
    def part_dispenses(self) -> float | None:
        return part(self.dispenses, self.contrats_engagement)

    @property
    def taux_remobilisation(self) -> float | None:
        return part(self.remobilisations_dans_le_delai, self.matures_remobilisation)


@dataclass(frozen=True)
class Indicateurs:
    """The indicators of one dispositif (or of all of them) over one period."""

    accompagnees: int = 0
    sorties: int = 0
    encore_suivies: int = 0
    entrees: int = 0
    sorties_par_motif: dict[str, int] = field(default_factory=dict)
    sorties_par_categorie: dict[str, int] = field(default_factory=dict)
    sorties_positives: int = 0
    sorties_emploi: int = 0
    duree_totale_jours: int = 0  # of the exits of the period
    duree_mediane_jours: float | None = None
    objectifs: dict[str, ResultatObjectif] = field(default_factory=dict)
    repartition: dict[str, dict[str, int]] = field(default_factory=dict)
    activite: Activite = Activite()
    rythme: Rythme = Rythme()
    occupation: Occupation = Occupation()
    veille: BilanVeille = BilanVeille()
    droits: IndicateursDroits = IndicateursDroits()

    @property
    def taux_sorties_positives(self) -> float | None:
        return part(self.sorties_positives, self.sorties)

    @property
    def duree_moyenne_mois(self) -> float | None:
        jours = part(self.duree_totale_jours, self.sorties)
        return None if jours is None else jours / JOURS_PAR_MOIS

    @property
    def duree_mediane_mois(self) -> float | None:
        if self.duree_mediane_jours is None:
            return None
        return self.duree_mediane_jours / JOURS_PAR_MOIS

    @property
    def nombre_moyen_rendez_vous(self) -> float | None:
        return part(self.activite.rendez_vous, self.accompagnees)


#: A month in days, for durations expressed in months (a Julian year / 12).
JOURS_PAR_MOIS = 365.25 / 12
