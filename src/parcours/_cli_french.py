"""The command line in French, the framework's own texts included.

Typer writes its help pages and its usage errors in English (« Usage: », « Show this message
and exit. », « Missing argument », « Got unexpected extra argument(s) », pydantic's « Input
should be a valid integer »...). Since Typer 0.22 they are literals of the click it carries
(``typer._click``), not gettext messages, so installing a translation catalogue for gettext
changes nothing. parcours translates them where they are written instead, in the command and
group classes its application uses:

* the options and arguments of a help page are translated column by column *before* they
  are laid out, so that the columns stay aligned (``format_options``);
* a help page and a usage line are translated as a whole (headings, « Usage: »);
* a usage error is shown by the framework into a buffer, translated, then written to stderr
  with its exit code (2), so the same rules serve whatever the framework's version prints.

:data:`REGLES` are the translations, English pattern → French, in the order they apply. A
test walks every command's ``--help`` and the usage errors, and fails on any English
sentence of the framework it finds (tests/test_cli_french.py).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["REGLES", "CommandeParcours", "GroupeParcours", "traduire", "traduire_colonne"]

Remplacement = str | Callable[[re.Match[str]], str]


def _guillemets(texte: str) -> str:
    """``'--date' / '-p'`` → « --date » / « -p »."""
    return re.sub(r"'([^']*)'", r"« \1 »", texte)


def _choix(match: re.Match[str]) -> str:
    valeurs = [v.strip().strip("'") for v in match.group(2).split(",")]
    attendu = ", ".join(valeurs[:-1]) + " ou " + valeurs[-1] if len(valeurs) > 1 else valeurs[0]
    return f"« {match.group(1)} » n'est pas une valeur permise (attendu : {attendu})"


def _regle(
    motif: str, remplacement: Remplacement, drapeaux: int = re.MULTILINE
) -> tuple[re.Pattern[str], Remplacement]:
    return re.compile(motif, drapeaux), remplacement


#: English texts of the framework → French, applied in this order to help pages and errors.
REGLES: tuple[tuple[re.Pattern[str], Remplacement], ...] = (
    # help pages
    _regle(r"^(\s*)Usage: ", r"\1Utilisation : "),
    _regle(r"^(\s*)(Arguments|Options):$", r"\1\2 :"),
    _regle(r"^(\s*)Commands:$", r"\1Commandes :"),
    _regle(r"COMMAND \[ARGS\]\.\.\.", "COMMANDE [ARGUMENTS]..."),
    _regle(r"Show this message and exit\.", "Afficher cette aide et quitter."),
    _regle(r"Show the version and exit\.", "Afficher la version et quitter."),
    _regle(r"\[required\]", "[obligatoire]"),
    _regle(r"\[default: ([^\];]*)(;?)", r"[par défaut : \1\2"),
    _regle(r"\[env var: ([^\];]*)", r"[variable d'environnement : \1"),
    _regle(r"(?<! ); (?=x[<>]|\d)", " ; "),
    _regle(r"\(dynamic\)", "(calculée)"),
    _regle(r"\(DEPRECATED(: )?", "(OBSOLÈTE\\1"),
    # usage errors
    _regle(r"^Error: ", "Erreur : "),
    _regle(r"Try '([^']+)' for help\.", r"Essayez « \1 » pour l'aide."),
    _regle(r"Missing argument '([^']+)'\.", r"Argument manquant : « \1 »."),
    _regle(r"Missing option (.+?)\.$", lambda m: f"Option manquante : {_guillemets(m.group(1))}."),
    _regle(r"Missing parameter:? ?(.*?)\.?$", r"Paramètre manquant : \1."),
    _regle(r"Missing command\.", "Commande manquante."),
    _regle(r"Got unexpected extra argument(?:\(s\)|s)? \((.+)\)", r"argument(s) en trop : \1"),
    _regle(r"Invalid value for (.+?): ", lambda m: f"valeur invalide pour {_guillemets(m.group(1))} : "),
    _regle(r"Invalid value: ", "valeur invalide : "),
    _regle(r"No such option: (\S+)", r"option inconnue : \1"),
    _regle(r"No such option '([^']+)'\.", r"option inconnue : \1."),
    _regle(r"\(Possible options: (.+)\)", r"(options possibles : \1)"),
    _regle(r"No such command '([^']+)'\.", r"commande inconnue : « \1 »."),
    _regle(r"Did you mean (.+?)\?", lambda m: f"Vouliez-vous dire {_guillemets(m.group(1))} ?"),
    _regle(r"\(Did you mean one of: (.+?)\?\)", r"(Vouliez-vous dire l'une de : \1 ?)"),
    _regle(r"Option '([^']+)' requires an argument\.", r"l'option « \1 » attend une valeur."),
    _regle(r"Option '([^']+)' requires (\d+) arguments\.", r"l'option « \1 » attend \2 valeurs."),
    _regle(r"Option '([^']+)' does not take a value\.", r"l'option « \1 » ne prend pas de valeur."),
    _regle(r"Argument '([^']+)' takes (\d+) values\.", r"l'argument « \1 » prend \2 valeurs."),
    _regle(r"Value error, ", ""),
    _regle(r"'([^']*)' is not one of (.+?)\.$", _choix),
    _regle(r"'([^']*)' is not '([^']*)'\.", r"« \1 » n'est pas une valeur permise (attendu : \2)"),
    _regle(
        r"Input should be a valid integer(, unable to parse string as an integer)?",
        "attendu : un nombre entier",
    ),
    _regle(r"Input should be a valid number(, unable to parse string as a number)?", "attendu : un nombre"),
    _regle(r"Input should be greater than or equal to (\S+)", r"attendu : un nombre supérieur ou égal à \1"),
    _regle(r"Input should be greater than (\S+)", r"attendu : un nombre supérieur à \1"),
    _regle(r"Input should be less than or equal to (\S+)", r"attendu : un nombre inférieur ou égal à \1"),
    _regle(r"Input should be less than (\S+)", r"attendu : un nombre inférieur à \1"),
    _regle(r"(?:Value )?'([^']*)' is not a valid integer( range)?\.", r"« \1 » n'est pas un nombre entier."),
    _regle(r"(?:Value )?'([^']*)' is not a valid float( range)?\.", r"« \1 » n'est pas un nombre."),
    _regle(r"(?:Value )?'([^']*)' is not a valid (\w+)\.", r"« \1 » n'est pas une valeur valide (\2)."),
    _regle(r"(\S+) is not in the range (.+?)\.$", r"\1 n'est pas dans l'intervalle \2."),
    _regle(r"(?:File|Path|Directory) '([^']*)' does not exist\.", r"« \1 » n'existe pas."),
    _regle(r"(?:File|Path|Directory) '([^']*)' is a directory\.", r"« \1 » est un dossier."),
    _regle(r"(?:File|Path|Directory) '([^']*)' is a file\.", r"« \1 » est un fichier."),
    _regle(r"(?:File|Path|Directory) '([^']*)' is not readable\.", r"« \1 » ne peut pas être lu."),
    _regle(r"(?:File|Path|Directory) '([^']*)' is not writable\.", r"« \1 » ne peut pas être écrit."),
    _regle(r"Could not open file '([^']*)': ", r"impossible d'ouvrir « \1 » : "),
    _regle(r"^Aborted[!.]$", "Abandon."),
)

#: Type names of the first column of a help page → French (Typer ≥ 0.22 and older clicks).
_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<int(?: range)?>"), "<entier>"),
    (re.compile(r"<float(?: range)?>"), "<nombre>"),
    (re.compile(r"<path>|<file>"), "<chemin>"),
    (re.compile(r"<list\[Path\]>"), "<chemins>"),
    (re.compile(r"<list\[str\]>"), "<textes>"),
    (re.compile(r"<bool>"), "<oui|non>"),
    (re.compile(r"\bINTEGER(?: RANGE)?\b"), "ENTIER"),
    (re.compile(r"\bFLOAT(?: RANGE)?\b"), "NOMBRE"),
    (re.compile(r"\bTEXT\b"), "TEXTE"),
    (re.compile(r"\bPATH\b"), "CHEMIN"),
    (re.compile(r"\bFILE\b"), "FICHIER"),
    (re.compile(r"\bDIRECTORY\b"), "DOSSIER"),
    (re.compile(r"\bBOOLEAN\b"), "OUI|NON"),
)


def traduire(texte: str) -> str:
    """``texte`` (a help page, a usage line, an error) with the framework's English in French."""
    for motif, remplacement in REGLES:
        texte = motif.sub(remplacement, texte)
    return texte


def traduire_colonne(texte: str, nom: str | None = None) -> str:
    """The first column of a help page in French: a text value is named after its parameter.

    ``--dispositif <str>`` → ``--dispositif DISPOSITIF`` (``nom`` is the parameter's name; an
    argument, ``nom=None``, is already named: ``politique <str>`` → ``politique``).
    """
    texte = texte.replace(" <str>", f" {nom.strip('_').upper()}" if nom else "")
    for motif, remplacement in _TYPES:
        texte = motif.sub(remplacement, texte)
    return texte


def _exception_click() -> type[Exception]:
    """The framework's ClickException (Typer's own click, or click itself in older Typers)."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "ClickException":
            return cls
    return Exception  # pragma: no cover - every Typer has it


class _EnFrancais:
    """What a parcours command and group add to Typer's: French help pages and errors."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments, options (and commands of a group), each column translated, then laid out."""
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None:
                continue
            argument = param.param_type_name == "argument"
            ligne = (traduire_colonne(record[0], None if argument else param.name), traduire(record[1]))
            (arguments if argument else options).append(ligne)
        for titre, lignes in (("Arguments", arguments), ("Options", options)):
            if lignes:
                with formatter.section(titre):
                    formatter.write_dl(lignes)
        commandes = getattr(self, "format_commands", None)
        if commandes is not None:
            commandes(ctx, formatter)

    def get_help(self, ctx: Any) -> str:
        return traduire(super().get_help(ctx))  # type: ignore[misc]

    def get_usage(self, ctx: Any) -> str:
        return traduire(super().get_usage(ctx))  # type: ignore[misc]

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        """Run the command; a usage error is shown in French, with its exit code (2)."""
        if not kwargs.pop("standalone_mode", True):
            return super().main(args, *rest, standalone_mode=False, **kwargs)  # type: ignore[misc]
        try:
            code = super().main(args, *rest, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except _exception_click() as exc:
            tampon = io.StringIO()
            exc.show(file=tampon)  # type: ignore[attr-defined]
            sys.stderr.write(traduire(tampon.getvalue()))
            sys.exit(getattr(exc, "exit_code", 1))
        except typer.Abort:
            sys.stderr.write("Abandon.\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class CommandeParcours(_EnFrancais, TyperCommand):
    """A ``parcours`` command: Typer's, with its help and errors in French."""


class GroupeParcours(_EnFrancais, TyperGroup):
    """The ``parcours`` group of commands: Typer's, with its help and errors in French."""
