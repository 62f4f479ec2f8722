"""The command line: each command parses its options, calls a workflow, prints.

Errors become one-line messages and exit codes here and only here. The commands live in
``drafts`` (outline, redline, diff), ``comments`` (merge, comments) and ``archive`` (init,
add, log, show, blame, round); ``common`` holds what they share.
"""

from __future__ import annotations

import click

from .. import __version__
from ..errors import PolicydiffError, one_line
from .common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED


class _Group(click.Group):
    """A click group that turns PolicydiffError (and any unexpected error) into one line."""

    def resolve_command(self, ctx, args):
        ctx.meta.setdefault("policydiff.args", list(args))  # for naming the inputs in a last-resort message
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PolicydiffError as e:
            click.echo(f"error: {one_line(str(e))}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:  # Ctrl-C: outputs are written to temporary files, so none is left
            click.echo("error: interrupted; nothing was written", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            raise  # `policydiff outline x.docx | head`: click ends quietly with exit 1
        except RecursionError:
            click.echo(f"error: {_inputs(ctx)}: the document is nested too deeply to read", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except MemoryError:
            click.echo(f"error: {_inputs(ctx)}: out of memory reading the input", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except OSError as e:  # a read-only folder, a full disk, a permission: the environment, not a bug
            where = e.filename or _inputs(ctx)
            click.echo(f"error: {where}: {one_line(e.strerror or str(e))}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as e:  # the last resort: a bug must still end in one line, not a traceback
            click.echo(f"error: internal error while processing {_inputs(ctx)}: {type(e).__name__}: "
                       f"{one_line(str(e))} (please report this)", err=True)
            ctx.exit(EXIT_INTERNAL)


def _inputs(ctx) -> str:
    """The command and the files it was given, for a message that has no better subject."""
    import os

    args = ctx.meta.get("policydiff.args") or []
    files = [a for a in args[1:] if not a.startswith("-") and os.path.exists(a)]
    return " ".join(args[:1] + (files or args[1:]))[:300] or "the command"


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="policydiff")
def main():
    """policydiff: Thai policy drafts as clauses; redlines, division comments, merge, archive."""


# The commands register themselves on ``main`` when their modules are imported.
from . import archive, comments, drafts, serve  # noqa: E402,F401
