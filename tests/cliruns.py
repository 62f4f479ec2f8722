"""Running the CLI in process, for tests: ``run`` gives click's result, ``ok`` asserts exit 0."""

from click.testing import CliRunner

from policydiff.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args):
    result = run(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result
