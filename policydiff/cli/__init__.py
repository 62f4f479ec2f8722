"""The command line: each command parses its options, calls a workflow, prints.

Errors become one-line messages and exit codes here and only here. The commands live in
``drafts`` (outline, redline, diff), ``comments`` (merge, comments) and ``archive`` (init,
add, log, show, blame, round); ``common`` holds what they share.
"""

from __future__ import annotations

import sys

import click

from .. import i18n
from ..errors import PolicydiffError, one_line
from ..i18n import N_, _
from .common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED
from .language import LANG_OPTION, VERSION_OPTION, Group, install_click_translations, lang_in


class _Group(Group):
    """A click group that speaks the language asked for and turns PolicydiffError (and any
    unexpected error) into one line."""

    def main(self, args=None, *rest, **kwargs):
        install_click_translations()
        args = list(sys.argv[1:] if args is None else args)
        # Chosen before any parsing (click's own errors and help follow it too), once for the run.
        with i18n.using(lang_in(args) or i18n.from_environment()):
            return super().main(args, *rest, **kwargs)

    def resolve_command(self, ctx, args):
        ctx.meta.setdefault("policydiff.args", list(args))  # for naming the inputs in a last-resort message
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PolicydiffError as e:
            click.echo(_("error: {message}").format(message=one_line(str(e))), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:  # Ctrl-C: outputs are written to temporary files, so none is left
            click.echo(_("error: interrupted; nothing was written"), err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            raise  # `policydiff outline x.docx | head`: click ends quietly with exit 1
        except RecursionError:
            click.echo(_("error: {inputs}: the document is nested too deeply to read").format(inputs=_inputs(ctx)),
                       err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except MemoryError:
            click.echo(_("error: {inputs}: out of memory reading the input").format(inputs=_inputs(ctx)), err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except OSError as e:  # a read-only folder, a full disk, a permission: the environment, not a bug
            where = e.filename or _inputs(ctx)
            click.echo(_("error: {where}: {problem}").format(where=where, problem=one_line(e.strerror or str(e))),
                       err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as e:  # the last resort: a bug must still end in one line, not a traceback
            click.echo(_("error: internal error while processing {inputs}: {kind}: {problem} (please report "
                         "this)").format(inputs=_inputs(ctx), kind=type(e).__name__, problem=one_line(str(e))),
                       err=True)
            ctx.exit(EXIT_INTERNAL)


def _inputs(ctx) -> str:
    """The command and the files it was given, for a message that has no better subject."""
    import os

    args = ctx.meta.get("policydiff.args") or []
    files = [a for a in args[1:] if not a.startswith("-") and os.path.exists(a)]
    return " ".join(args[:1] + (files or args[1:]))[:300] or _("the command")


@click.group(cls=_Group, help=N_("policydiff: Thai policy drafts as clauses; redlines, division comments, merge, "
                                 "archive."))
@VERSION_OPTION
@LANG_OPTION
def main():
    """The policydiff group: its commands register themselves below (its help is above, translated when shown)."""


# The commands register themselves on ``main`` when their modules are imported.
from . import archive, comments, drafts, serve  # noqa: E402,F401
