"""The CLI's language: ``--lang th|en`` (else the environment, else Thai), click's own messages
through our catalog, and help text translated when it is shown.

Help strings are given to click at import, before ``--lang`` is read: they are marked with ``N_``
and the classes below translate ``help``/``short_help`` each time click reads them.
"""

from __future__ import annotations

import importlib
from typing import List, Optional

import click

from .. import __version__, i18n
from ..i18n import N_, _

# Every click module that does ``from gettext import gettext as _`` (and ``ngettext``).
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion", "termui",
                 "types", "utils", "_termui_impl")

# Words click translates without writing them as literals (core.Option: ``_(extra["required"])``),
# named here so that extraction puts them in our catalog too.
CLICK_DYNAMIC = (N_("required"),)


def install_click_translations() -> None:
    """Point click's module-level ``_``/``ngettext`` at policydiff's catalog (idempotent)."""
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a click without that module: nothing of it to translate
            continue
        if hasattr(module, "_"):
            module._ = i18n._
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext


def lang_in(args: List[str]) -> Optional[str]:
    """The language ``--lang`` names among the group's own options (before the command), if valid."""
    for i, arg in enumerate(args):
        if arg == "--" or not arg.startswith("-"):
            break  # the command's name: what follows is the command's
        if arg.startswith("--lang=") or arg == "--lang":
            value = arg.split("=", 1)[1] if "=" in arg else (args[i + 1] if i + 1 < len(args) else "")
            return value if value in i18n.LANGUAGES else None  # else click refuses it, in the environment's
    return None


class Msgid:
    """An attribute kept as a msgid and read in the current language (click's ``help``, ``short_help``)."""

    def __set_name__(self, owner, name):
        self.slot = f"_{name}_msgid"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        msgid = obj.__dict__.get(self.slot)
        return _(msgid) if msgid else msgid

    def __set__(self, obj, value):
        obj.__dict__[self.slot] = value


class Translated:
    """``help`` and ``short_help`` kept as msgids and read in the current language, the --help option's too."""

    help = Msgid()
    short_help = Msgid()

    def get_help_option(self, ctx):
        """click's --help option, its help in the current language (click keeps the option once made)."""
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = _("Show this message and exit.")
        return opt


class Command(Translated, click.Command):
    """A command whose help, and its --help option's, are in the current language."""


class Group(Translated, click.Group):
    """A group of such commands (its subcommands and subgroups are made of these classes too)."""

    command_class = Command
    group_class = type  # a subgroup is of the same class as its parent


class Option(click.Option):
    """An option whose help is in the current language."""

    help = Msgid()


def option(*decls, **attrs):
    """``click.option`` with help translated when shown."""
    return click.option(*decls, cls=Option, **attrs)


def _print_version(ctx, param, value) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_("{prog}, version {version}").format(prog="policydiff", version=__version__))
        ctx.exit()


VERSION_OPTION = option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
                        help=N_("Show the version and exit."))
LANG_OPTION = option("--lang", type=click.Choice(i18n.LANGUAGES), expose_value=False, is_eager=True,
                     help=N_("The language of messages and help: th (Thai) or en (English). Default: from "
                             "LANGUAGE, LC_ALL, LC_MESSAGES or LANG, else Thai. The committee's documents are Thai "
                             "whatever this is."))
