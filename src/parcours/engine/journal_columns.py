"""A journal's lines as Arrow columns, read by pyarrow's JSON reader, for the bulk replay.

Every line becomes one row, numbered as the journal numbers it (a JSONL line, a SQLite
``seq``, a PostgreSQL ``position``). Each line is handed to the reader wrapped as
``{"l": <line>}``: the reader can then neither take two objects of one line for two rows nor
skip a blank line unseen, and a row is exactly a line.

This reader is not the format's judge: :func:`~parcours.engine.events.normaliser` is. The
reader only *vouches* for the lines in the form the engine writes (every key known, each
value of its type, no explicit ``null``: a null and an absent key look the same in a
column); the others are handed to ``normaliser`` one by one (:attr:`LignesLues.douteuses`).
When the reader cannot read the journal as one JSON object per line with the format's types
(a blank line, text that is not JSON, a number where text is expected, ``details`` of two
different JSON types), :func:`lire_colonnes` returns None and the replay reads line by line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from parcours.engine.events import CHAINES, CLES_ALERTE, CONTROLE_RE2, IDENTIFIANTS
from parcours.engine.journal import Journal
from parcours.engine.journal_jsonl import JsonlJournal
from parcours.limits import LONGUEUR_IDENTIFIANT_MAX, LONGUEUR_LIGNE_MAX, PROFONDEUR_JSON_MAX
from parcours.vocabulary import (
    EVENEMENT_ALERTE,
    EVENEMENT_ALERTE_ANNULEE,
    EVENEMENT_ATTENTE,
    EVENEMENTS,
    PRESENCES,
)

__all__ = ["LignesLues", "en_numpy", "indices", "lire_colonnes"]

B = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]

#: The keys whose values the reader types (text, or true/false); other keys are inferred.
_TEXTES = ("dossier", "date", "evenement", *CHAINES, "presence", *CLES_ALERTE)
_BOOLEENS = ("emploi", "genere")
_SCHEMA = pa.schema(
    [("l", pa.struct([(k, pa.string()) for k in _TEXTES] + [(k, pa.bool_()) for k in _BOOLEENS]))]
)
#: Keys whose values the reader checks itself; a line with any other key is left to normaliser.
_VERIFIEES = frozenset((*_TEXTES, *_BOOLEENS, "profil", "details"))
_DATE = r"^(?:19|20|21)\d\d-\d\d-\d\d$"
_ALERTES = (EVENEMENT_ALERTE, EVENEMENT_ALERTE_ANNULEE)
#: Keys an alert line may not carry (normaliser refuses them as unknown there).
_HORS_ALERTE = ("id", "acteur", "presence", "motif", "vers", "emploi", "profil", "details")
_EPOQUE = 719163  # date(1970, 1, 1).toordinal()


@dataclass
class LignesLues:
    """A journal read by columns. ``numero`` numbers the rows; ``jour`` is each row's date
    as days since 1970-01-01 (-1 when it is not ``AAAA-MM-JJ``); ``propres`` are the rows the
    reader vouches for, ``douteuses`` the others, which normaliser judges; ``brute(x)`` is
    row ``x``'s text.

    ``tronquee`` is the number and bytes of a last line with no newline (a torn write), not
    among the rows; ``position`` is the number of the journal's last line.

    Values come out as numpy arrays and Python lists read from Arrow's buffers: pyarrow's own
    conversions to numpy import pandas, which a replay has no use for."""

    numero: I64
    struct: pa.StructArray
    brute: Callable[[int], bytes]
    position: int
    tronquee: tuple[int, bytes] | None = None
    propres: B = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    jour: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _codes: dict[str, tuple[I64, pa.Array]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.numero.shape[0])

    @property
    def douteuses(self) -> I64:
        return np.flatnonzero(~self.propres)

    def colonne(self, cle: str) -> pa.Array:
        """The column of ``cle`` (all nulls when no line has it)."""
        if self.struct.type.get_field_index(cle) < 0:
            return pa.nulls(self.n)
        return self.struct.field(cle)

    def a(self, cle: str) -> B:
        """Whether each row has a (non-null) value for ``cle``."""
        colonne = self.colonne(cle)
        if not colonne.null_count:
            return np.ones(self.n, dtype=np.bool_)
        return en_numpy(colonne.is_valid(), 0).astype(np.bool_)

    def codes(self, cle: str) -> tuple[I64, list[Any]]:
        """``cle``'s values as codes (-1: none) and the value of each code (for columns of
        few distinct values; see :meth:`code`)."""
        codes, dictionnaire = self._encoder(cle)
        return codes, dictionnaire.to_pylist()

    def code(self, cle: str) -> I64:
        """``cle``'s values as codes, equal where the values are (-1: none)."""
        return self._encoder(cle)[0]

    def _encoder(self, cle: str) -> tuple[I64, pa.Array]:
        found = self._codes.get(cle)
        if found is None:
            colonne = self.colonne(cle)
            if pa.types.is_null(colonne.type):
                found = (np.full(self.n, -1, dtype=np.int64), pa.nulls(0, pa.string()))
            else:
                enc = colonne.dictionary_encode()
                found = (en_numpy(enc.indices, -1), enc.dictionary)
            self._codes[cle] = found
        return found

    def valeurs(self, cle: str, rangs: I64) -> list[Any]:
        """The Python values of ``cle`` at rows ``rangs`` (None where absent)."""
        return self.colonne(cle).take(indices(rangs)).to_pylist()  # type: ignore[no-any-return]

    def prises(self, cle: str, rangs: I64) -> pa.Array:
        return self.colonne(cle).take(indices(rangs))


def en_numpy(colonne: pa.Array, vide: int) -> I64:
    """An integer, timestamp or boolean Arrow array as int64 numpy (``vide`` where null)."""
    n = len(colonne)
    if not n:
        return np.zeros(0, dtype=np.int64)
    debut, tampons = colonne.offset, colonne.buffers()
    if pa.types.is_boolean(colonne.type):
        bits = np.unpackbits(np.frombuffer(tampons[1], dtype=np.uint8), bitorder="little")
        valeurs = bits[debut : debut + n].astype(np.int64)
    else:
        largeur = colonne.type.bit_width // 8
        valeurs = np.frombuffer(tampons[1], dtype=f"<i{largeur}")[debut : debut + n].astype(np.int64)
    if colonne.null_count:
        valide = np.unpackbits(np.frombuffer(tampons[0], dtype=np.uint8), bitorder="little")
        valeurs = np.where(valide[debut : debut + n].astype(np.bool_), valeurs, vide)
    return valeurs


def indices(rangs: I64) -> pa.Array:
    """Row numbers as an Arrow array (for ``take``), built from the numpy buffer."""
    tampon = np.ascontiguousarray(rangs, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), int(tampon.shape[0]), [None, pa.py_buffer(tampon)])


def lire_colonnes(journal: Journal) -> LignesLues | None:
    """``journal`` by columns, or None when pyarrow cannot read it one object per line."""
    if isinstance(journal, JsonlJournal):
        if not journal.path.is_file():
            return None
        donnees = journal.path.read_bytes()
        if not _dans_les_bornes(donnees):
            return None
        source = _source_fichier(donnees)
    else:
        source = _source_lignes(journal.lines())
    struct = _lire(source.donnees, source.numeros.size)
    if struct is None:
        return None
    lues = LignesLues(source.numeros, struct, source.brute, source.position, source.tronquee)
    lues.jour = _jours(lues)
    lues.propres = _propres(lues, _nulles(source.donnees, source.numeros.size))
    return lues


#: A raw control character other than the newline and the tab (JSON never needs one).
_CONTROLE = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def _dans_les_bornes(donnees: bytes) -> bool:
    """Whether every line of a JSONL file is, without a doubt, within the bounds that
    :func:`~parcours.engine.journal.lire_ligne` checks (length, UTF-8 text, no raw control
    character, too few brackets to nest past the depth bound). Otherwise the file is replayed
    line by line, whose reader stops at the line that breaks a bound and says which."""
    octets = np.frombuffer(donnees, dtype=np.uint8)
    fins = np.flatnonzero(octets == 10)
    longueurs = np.diff(np.r_[-1, fins, octets.size]) - 1
    if longueurs.max(initial=0) > LONGUEUR_LIGNE_MAX or _CONTROLE.search(donnees):
        return False
    try:
        donnees.decode("utf-8")
    except UnicodeDecodeError:
        return False
    crochets = np.flatnonzero((octets == ord("[")) | (octets == ord("{")))
    par_ligne = np.bincount(np.searchsorted(fins, crochets), minlength=1)
    return bool(par_ligne.max() <= PROFONDEUR_JSON_MAX)


@dataclass
class _Source:
    """The rows' texts, one per line and newline-terminated, with their numbers."""

    donnees: bytes
    numeros: I64
    brute: Callable[[int], bytes]
    position: int
    tronquee: tuple[int, bytes] | None


def _source_fichier(donnees: bytes) -> _Source:
    """A JSONL file's bytes. When every line starts with ``{`` they are the rows as they are;
    otherwise (a blank line, leading spaces) the file is split line by line."""
    if not donnees.endswith(b"\n") and donnees:
        morceaux = donnees.split(b"\n")
        avec = [m + b"\n" for m in morceaux[:-1]] + [morceaux[-1]]
        return _source_lignes(enumerate(avec, 1))
    lignes = donnees.count(b"\n")
    if lignes and donnees.startswith(b"{") + donnees.count(b"\n{") != lignes:
        return _source_lignes(enumerate(donnees.split(b"\n")[:-1], 1), nouvelle_ligne=False)
    debuts: list[I64] = []

    def brute(x: int) -> bytes:
        if not debuts:
            fins = np.flatnonzero(np.frombuffer(donnees, dtype=np.uint8) == 10)
            debuts.append(np.r_[0, fins + 1].astype(np.int64))
        return donnees[int(debuts[0][x]) : int(debuts[0][x + 1]) - 1]

    return _Source(donnees, np.arange(1, lignes + 1, dtype=np.int64), brute, lignes, None)


def _source_lignes(lignes: Iterable[tuple[int, str | bytes]], nouvelle_ligne: bool = True) -> _Source:
    """Any journal's ``(numero, line)``: blank lines are left out (replay ignores them), a last
    line with no newline is torn (``nouvelle_ligne``: the lines keep their newline)."""
    numeros: list[int] = []
    textes: list[bytes] = []
    position = 0
    tronquee = None
    for numero, brute in lignes:
        position = numero
        octets = brute.encode("utf-8") if isinstance(brute, str) else brute
        if nouvelle_ligne:
            if not octets.endswith(b"\n"):
                if octets.strip():
                    tronquee = (numero, octets)
                continue
            octets = octets[:-1]
        if octets.strip():
            numeros.append(numero)
            textes.append(octets)
    donnees = b"\n".join(textes) + b"\n" if textes else b""
    return _Source(donnees, np.array(numeros, dtype=np.int64), textes.__getitem__, position, tronquee)


def _lire(donnees: bytes, n: int) -> pa.StructArray | None:
    if n == 0:
        return pa.nulls(0, _SCHEMA.field("l").type)
    try:  # pyarrow reads a key that is not UTF-8 and fails when its name is asked for
        donnees.decode("utf-8")
    except UnicodeDecodeError:
        return None
    enveloppe = b'{"l":' + donnees[:-1].replace(b"\n", b'}\n{"l":') + b"}\n"
    try:
        table = pajson.read_json(
            io.BytesIO(enveloppe),
            read_options=pajson.ReadOptions(block_size=1 << 24),
            parse_options=pajson.ParseOptions(explicit_schema=_SCHEMA, unexpected_field_behavior="infer"),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows != n:
        return None
    colonne = table.column("l").combine_chunks()
    if not pa.types.is_struct(colonne.type) or colonne.null_count:
        return None
    return colonne


def _nulles(donnees: bytes, n: int) -> B:
    """The rows whose text holds ``null`` (an explicit null reads like an absent key)."""
    out = np.zeros(n, dtype=np.bool_)
    if b"null" not in donnees:
        return out
    octets = np.frombuffer(donnees, dtype=np.uint8)
    motif = np.frombuffer(b"null", dtype=np.uint8)
    trouve = np.ones(octets.size - 3, dtype=np.bool_)
    for k in range(4):
        trouve &= octets[k : octets.size - 3 + k] == motif[k]
    fins = np.flatnonzero(octets == 10)
    out[np.searchsorted(fins, np.flatnonzero(trouve))] = True
    return out


def _jours(lues: LignesLues) -> I64:
    """Each row's date as days since 1970-01-01 (-1: not ``AAAA-MM-JJ`` of the format)."""
    dates = lues.colonne("date")
    if pa.types.is_null(dates.type):
        return np.full(lues.n, -1, dtype=np.int64)
    forme = en_numpy(pc.match_substring_regex(dates, _DATE), 0).astype(np.bool_)
    jour = pc.strptime(dates, format="%Y-%m-%d", unit="s", error_is_null=True)
    secondes = en_numpy(jour.cast(pa.int64()), -86400)
    return np.where(forme, secondes // 86400, -1)


def _dans(lues: LignesLues, cle: str, valeurs: Iterable[str]) -> B:
    """Whether each row's value of ``cle`` is one of ``valeurs``."""
    codes, noms = lues.codes(cle)
    voulus = set(valeurs)
    table = np.array([n in voulus for n in noms] + [False], dtype=np.bool_)
    return table[codes]


def _propres(lues: LignesLues, nulles: B) -> B:
    """The rows normaliser(moteur=True) accepts as they are read (see the module docstring)."""
    alerte = _dans(lues, "evenement", _ALERTES)
    ok = ~nulles & (lues.jour >= 0)
    ok &= _dans(lues, "evenement", (*EVENEMENTS, EVENEMENT_ATTENTE)) | alerte
    dossier = lues.colonne("dossier")
    ok &= pa.types.is_string(dossier.type) and en_numpy(pc.utf8_length(dossier), 0) > 0
    for nom in lues.struct.type.names:
        if nom not in _VERIFIEES:
            ok &= ~lues.a(nom)
    profil = lues.struct.type.get_field_index("profil")
    if profil >= 0 and not pa.types.is_struct(lues.struct.type.field(profil).type):
        ok &= ~lues.a("profil")
    for cle in CLES_ALERTE:
        ok &= alerte | ~lues.a(cle)
    ok &= ~lues.a("presence") | _dans(lues, "presence", PRESENCES)
    genere = en_numpy(lues.colonne("genere"), -1)
    ok &= (genere == -1) | ((genere == 1) & (_dans(lues, "evenement", ("demarrage",)) | alerte))
    for cle in _HORS_ALERTE:
        ok &= ~(alerte & lues.a(cle))
    for cle in ("dispositif", *CLES_ALERTE):
        ok &= ~alerte | lues.a(cle)
    ok &= ~alerte | (genere == 1)
    return ok & _identifiants_surs(lues)


def _identifiants_surs(lues: LignesLues) -> B:
    """The rows whose identifiers (when text) are short and free of control characters; the
    others are normaliser's to judge (it raises UnsafeLineError, which stops the replay)."""
    ok = np.ones(lues.n, dtype=np.bool_)
    for cle in IDENTIFIANTS:
        colonne = lues.colonne(cle)
        if not pa.types.is_string(colonne.type):
            continue
        ok &= en_numpy(pc.utf8_length(colonne), 0) <= LONGUEUR_IDENTIFIANT_MAX
        ok &= ~en_numpy(pc.match_substring_regex(colonne, CONTROLE_RE2), 0).astype(np.bool_)
    return ok
