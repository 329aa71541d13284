"""The PostgreSQL journal: several workers of an application on one journal (psycopg 3).

The table ``parcours_evenements`` is append-only (a trigger refuses ``UPDATE``, ``DELETE`` and
``TRUNCATE``): ``position`` (bigserial, the application order and the "line number" of
errors), ``dossier``, ``date``, ``evenement``, ``id`` (the event's idempotency key, read from
the line; unique per dossier) and ``ligne``, the event's JSON object as ``jsonb``. The schema
is versioned in ``parcours_schema``; :func:`init` creates or migrates it (``parcours journal
init URL``), and a writer does the same when it attaches.

Writers follow the contract of journal.py: ``begin`` takes a transaction-level advisory lock
(one writer at a time; readers are never blocked) and reads the lines after the writer's
position, ``commit`` copies the new lines in, sends ``NOTIFY parcours_journal`` with the new
position and commits. Positions are given under the lock, so they grow in commit order and a
reader that has seen position *p* has seen every line before it. The transactions run at
READ COMMITTED: the read after the lock sees every writer that committed before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from parcours.engine.journal import Journal, Ligne
from parcours.errors import JournalError

if TYPE_CHECKING:
    import psycopg

__all__ = ["CANAL", "SCHEMA_VERSION", "TABLE", "PostgresJournal", "est_url", "init", "masquer"]

#: The URL schemes read as a PostgreSQL journal.
PREFIXES = ("postgresql://", "postgres://")
TABLE = "parcours_evenements"
#: The channel writers notify after each commit (the payload is the new position).
CANAL = "parcours_journal"
#: The version of the schema this library writes; a newer database is refused.
SCHEMA_VERSION = 1
# the writers' advisory lock: one per journal table, i.e. per schema of the database
_VERROU = f"SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.{TABLE}'))"

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        f"""CREATE TABLE {TABLE} (
            position bigserial PRIMARY KEY,
            dossier text NOT NULL,
            date text NOT NULL,
            evenement text NOT NULL,
            id text GENERATED ALWAYS AS (ligne ->> 'id') STORED,
            ligne jsonb NOT NULL CHECK (jsonb_typeof(ligne) = 'object')
        )""",
        f"CREATE UNIQUE INDEX {TABLE}_id ON {TABLE} (dossier, id) WHERE id IS NOT NULL",
        f"CREATE INDEX {TABLE}_dossier ON {TABLE} (dossier, position)",
        """CREATE FUNCTION parcours_ajout_seulement() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'le journal parcours est en ajout seulement (% refusé)', TG_OP;
        END $$""",
        f"""CREATE TRIGGER {TABLE}_ajout_seulement BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION parcours_ajout_seulement()""",
        f"""CREATE TRIGGER {TABLE}_sans_vidage BEFORE TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION parcours_ajout_seulement()""",
    ),
}
_SELECT = f"SELECT position, ligne::text FROM {TABLE} WHERE position > %s ORDER BY position"
_PAGE = 10_000
# a JSON escape of the NUL character (not an escaped backslash followed by "u0000")
_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_PAGE_SQL = _SELECT + " LIMIT %s"
# the lines in their order (ordinality: positions follow it), the writers notified, the last position
_AJOUT = f"""WITH ajout AS (
    INSERT INTO {TABLE} (dossier, date, evenement, ligne)
    SELECT d, j, e, l::jsonb
    FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[]) WITH ORDINALITY AS t(d, j, e, l, n)
    ORDER BY n
    RETURNING position)
SELECT max(position), pg_notify('{CANAL}', max(position)::text) FROM ajout"""


def est_url(texte: object) -> bool:
    """Whether ``texte`` names a PostgreSQL journal (``postgresql://`` or ``postgres://``)."""
    return isinstance(texte, str) and texte.startswith(PREFIXES)


def masquer(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for messages and logs)."""
    return re.sub(r"^(\w+://[^:/@]*):[^@]*@", r"\1:***@", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the extra is part of [dev]
        raise JournalError(
            "un journal PostgreSQL demande psycopg : pip install 'parcours[postgresql]'"
        ) from None
    return psycopg


def connecter(url: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A connection to ``url``; a JournalError (without the password) when it fails."""
    module = _psycopg()
    try:
        conn: psycopg.Connection[Any] = module.connect(url, autocommit=autocommit)
    except module.Error as exc:
        raise JournalError(f"connexion impossible : {_message(exc)}", fichier=masquer(url)) from None
    return conn


def _message(exc: BaseException) -> str:
    texte = str(exc).strip().splitlines()
    return texte[0] if texte else type(exc).__name__


def version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the database (0: no parcours journal)."""
    row = conn.execute("SELECT to_regclass('parcours_schema') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    found = conn.execute("SELECT max(version) FROM parcours_schema").fetchone()
    return int(found[0]) if found and found[0] is not None else 0


def init(url: str) -> tuple[int, int]:
    """Create or migrate the journal's schema at ``url``; (version before, version now).

    Idempotent; several processes may call it at once (an advisory lock serialises them).
    """
    nom = masquer(url)
    with connecter(url) as conn:
        try:
            conn.execute(_VERROU)  # constant text of this module
            avant = version(conn)
            if avant > SCHEMA_VERSION:
                raise JournalError(
                    f"schéma du journal en version {avant}, plus récente que celle de cette version "
                    f"de parcours ({SCHEMA_VERSION}) : mettez parcours à jour",
                    fichier=nom,
                )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS parcours_schema("
                "version integer PRIMARY KEY, appliquee timestamptz NOT NULL DEFAULT now())"
            )
            for numero in range(avant + 1, SCHEMA_VERSION + 1):
                for sql in _MIGRATIONS[numero]:
                    conn.execute(sql)  # constant text of this module
                conn.execute("INSERT INTO parcours_schema(version) VALUES (%s)", (numero,))
            conn.commit()
        except _psycopg().Error as exc:
            raise JournalError(f"schéma du journal non créé : {_message(exc)}", fichier=nom) from None
    return avant, SCHEMA_VERSION


class PostgresJournal(Journal):
    """A journal in a PostgreSQL database (see the module docstring)."""

    partage = True

    def __init__(self, url: str, *, durable: bool = False) -> None:
        super().__init__(durable=durable)
        self.url = url
        self._conn: psycopg.Connection[Any] | None = None
        self._ecoute: psycopg.Connection[Any] | None = None
        self._verifie = False

    @property
    def name(self) -> str:
        return masquer(self.url)

    # --- connections --------------------------------------------------------------------

    def _connexion(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            # autocommit: a read is one statement; a write is the transaction begin() opens
            self._conn = connecter(self.url, autocommit=True)
            if not self.durable:  # a crash of the server may lose the last commits, never tear one
                self._conn.execute("SET synchronous_commit = off")
        if not self._verifie:
            self._verifier(self._conn)
        return self._conn

    def _verifier(self, conn: psycopg.Connection[Any]) -> None:
        trouvee = version(conn)
        if trouvee == 0:
            raise JournalError(
                "pas de journal parcours dans cette base : créez-le avec « parcours journal init URL »",
                fichier=self.name,
            )
        if trouvee != SCHEMA_VERSION:
            raise JournalError(
                f"schéma du journal en version {trouvee}, cette version de parcours lit la version "
                f"{SCHEMA_VERSION} : lancez « parcours journal init URL »"
                + (" après avoir mis parcours à jour" if trouvee > SCHEMA_VERSION else ""),
                fichier=self.name,
            )
        self._verifie = True

    def _erreur(self, quoi: str, exc: BaseException) -> JournalError:
        try:
            self.rollback()
        except _psycopg().Error:
            if self._conn is not None:
                self._conn.close()
        return JournalError(f"{quoi} : {_message(exc)}", fichier=self.name)

    # --- writing ------------------------------------------------------------------------

    def attach(self) -> None:
        if not self._verifie:
            init(self.url)
            self._connexion()

    def begin(self) -> list[tuple[int, str]]:
        conn = self._connexion()
        try:
            # one round trip: BEGIN, the lock, then the read (its snapshot taken once the lock is held)
            with conn.pipeline():
                conn.execute("BEGIN")
                conn.execute(_VERROU)
                cur = conn.execute(_SELECT, (self.position,))
            rows = cur.fetchall()
        except _psycopg().Error as exc:
            raise self._erreur("le journal n'a pas pu être verrouillé pour écrire", exc) from None
        return [(int(p), texte + "\n") for p, texte in rows]

    def commit(self, lignes: Sequence[Ligne]) -> None:
        conn = self._connexion()
        for ligne in lignes:
            if _NUL.search(ligne[3]):
                self.rollback()
                raise JournalError(
                    f"dossier {ligne[0]} : PostgreSQL ne garde pas le caractère nul (\\u0000) dans un texte",
                    fichier=self.name,
                )
        try:
            if lignes:
                colonnes = [list(c) for c in zip(*lignes, strict=True)]
                with conn.pipeline():  # one round trip: the lines, the NOTIFY, COMMIT
                    # binary parameters (%b): the text arrays are sent as they are, never escaped
                    cur = conn.execute(_AJOUT, colonnes)
                    conn.execute("COMMIT")
                row = cur.fetchone()
                assert row is not None
                dernier = int(row[0])
            else:
                conn.execute("COMMIT")
                dernier = self.position
        except _psycopg().Error as exc:
            raise self._erreur("le journal n'a pas pu être écrit", exc) from None
        self.position = dernier

    def write(self, lignes: Sequence[Ligne]) -> None:
        self.begin()
        self.commit(lignes)

    def rollback(self) -> None:
        conn = self._conn
        if (
            conn is not None
            and not conn.closed
            and conn.info.transaction_status != _psycopg().pq.TransactionStatus.IDLE
        ):
            conn.execute("ROLLBACK")

    # --- reading ------------------------------------------------------------------------

    def lines(self) -> Iterator[tuple[int, str]]:
        return self.since(0)

    def since(self, position: int) -> Iterator[tuple[int, str]]:
        conn = self._connexion()
        try:
            while True:  # pages of _PAGE lines by position: bounded memory, one statement each
                rows = conn.execute(_PAGE_SQL, (position, _PAGE)).fetchall()
                for numero, texte in rows:
                    yield int(numero), texte + "\n"
                if len(rows) < _PAGE:
                    return
                position = int(rows[-1][0])
        except _psycopg().Error as exc:
            raise self._erreur("le journal n'a pas pu être lu", exc) from None

    def copy_blocks(self, longueur: int) -> Iterator[bytes | bytearray | memoryview]:
        """The journal as CSV rows ``position,ligne`` in order, in the blocks ``COPY ... TO
        STDOUT`` sends (streamed: read as they come), each line cut to ``longueur`` characters
        (the line reader refuses a line longer than its bound from its start)."""
        conn = self._connexion()
        sql = (
            f"COPY (SELECT position, substr(ligne::text, 1, {int(longueur)}) FROM {TABLE} "
            "ORDER BY position) TO STDOUT (FORMAT csv)"
        )
        try:
            with conn.cursor() as cur, cur.copy(sql) as copie:
                yield from copie
        except _psycopg().Error as exc:
            raise self._erreur("le journal n'a pas pu être lu", exc) from None

    def _apres(self, position: int) -> bool:
        conn = self._connexion()
        row = conn.execute(f"SELECT 1 FROM {TABLE} WHERE position > %s LIMIT 1", (position,)).fetchone()
        return row is not None

    def is_empty(self) -> bool:
        return not self._apres(0)

    def read_dossier(self, dossier: str) -> list[dict[str, Any]]:
        conn = self._connexion()
        rows = conn.execute(
            f"SELECT ligne FROM {TABLE} WHERE dossier = %s ORDER BY position", (dossier,)
        ).fetchall()
        return [dict(row[0]) for row in rows]

    def wait(self, timeout: float) -> bool:
        """Wait for a writer's NOTIFY (or ``timeout`` seconds); whether lines are there."""
        ecoute = self._ecouter()  # listening before looking: a commit in between is not missed
        if self._apres(self.position):
            return True
        for _ in ecoute.notifies(timeout=timeout, stop_after=1):
            break
        return self._apres(self.position)

    def _ecouter(self) -> psycopg.Connection[Any]:
        if self._ecoute is None or self._ecoute.closed:
            self._ecoute = connecter(self.url, autocommit=True)
            self._ecoute.execute(f"LISTEN {CANAL}")
        return self._ecoute

    def close(self) -> None:
        for conn in (self._conn, self._ecoute):
            if conn is not None and not conn.closed:
                conn.close()
        self._conn = self._ecoute = None
