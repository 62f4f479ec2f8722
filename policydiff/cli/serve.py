"""serve: the archive as a local web app (versions, rounds, dispositions, downloads)."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _
from . import main
from .language import option

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@main.command(help=N_(
    "Serve the archive in FOLDER (created if needed) as a web app on this machine: the versions, the comment "
    "rounds (upload the divisions' files, see every comment clause by clause), the dispositions (saved with your "
    "name), the committee package and the redlines. Listens on 127.0.0.1 only unless --host is given, and then "
    "only with --token or --password-file."))
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False))
@option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help=N_("The port to listen on (0: any free port)."))
@option("--host", default="127.0.0.1", show_default=True,
              help=N_("The address to listen on. Anything but this machine (127.0.0.1) needs --token or "
                      "--password-file: every request must then carry the token."))
@option("--token", default="",
              help=N_("The token every request must carry (a sign-in form asks for it once)."))
@option("--password-file", type=click.Path(exists=True, dir_okay=False),
              help=N_("A file whose first line is the token (keeps it out of the process list)."))
@option("--example", is_flag=True,
              help=N_("Fill a new archive in FOLDER with the shipped example's drafts ร่าง ๑ and ร่าง ๒ first (the "
                      "round's files are in comments/round1)."))
def serve(folder, port, host, token, password_file, example):
    from ..store import Store, locate_archive

    token = _token(token, password_file)
    if host not in LOOPBACK and not token:
        raise click.UsageError(_("--host {host} would let other machines in: give --token or --password-file "
                                 "too").format(host=host))
    Path(folder).mkdir(parents=True, exist_ok=True)
    root = locate_archive(Path(folder)) or Path(folder)
    with Store.open(root, create=True) as store:
        if example:
            from ..workflows.served import load_example

            for line in load_example(store):
                click.echo(line)
        root = store.root
    _run(root, host, port, token)


def _token(token: str, password_file) -> str:
    if password_file:
        lines = Path(password_file).read_text(encoding="utf-8").splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            raise click.UsageError(_("{file}: the first line must hold the token").format(file=password_file))
    return token


def _run(root: Path, host: str, port: int, token: str) -> None:
    from waitress import create_server

    from ..web import create_app

    server = create_server(create_app(root, token=token), host=host, port=port, threads=8,
                           max_request_body_size=create_app_limit(), ident="policydiff")
    shown = f"[{host}]" if ":" in host else host
    click.echo(_("policydiff serves {root} at {address} (Ctrl-C stops it)").format(
        root=root, address=f"http://{shown}:{server.effective_port}/"))
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo(_("stopped"))


def create_app_limit() -> int:
    from ..web.security import MAX_REQUEST_BYTES

    return MAX_REQUEST_BYTES
