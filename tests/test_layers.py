"""The layers: XML stays in policydiff/docx, the core does no I/O, every command has help."""

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from policydiff.cli import main

PACKAGE = Path(__file__).resolve().parent.parent / "policydiff"


def imports(path: Path) -> set:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules(folder=""):
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_docx_package_imports_lxml_or_python_docx(path):
    if path.parent.name == "docx":
        return
    assert not imports(path) & {"lxml", "docx"}, path


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_the_core_does_no_io_and_knows_no_xml(path):
    forbidden = {"io", "sys", "pathlib", "shutil", "subprocess", "sqlite3", "zipfile", "click", "lxml",
                 "docx", "xml", "openpyxl", "tempfile"}
    assert not imports(path) & forbidden, path
    source = path.read_text(encoding="utf-8")
    # os only to keep pythainlp from writing a data folder (os.environ), never for files.
    uses = {n.attr for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "os"}
    assert uses <= {"environ"}, (path, uses)
    assert "open(" not in source.replace("_open(", "").replace("reopen(", ""), path


def test_no_namespace_uri_outside_ns_module():
    for path in modules():
        if path.name == "ns.py":
            continue
        assert "schemas.openxmlformats.org" not in path.read_text(encoding="utf-8"), path


def all_commands(group=main, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,)
        if hasattr(cmd, "commands"):
            yield from all_commands(cmd, prefix + (name,))


@pytest.mark.parametrize("command", list(all_commands()), ids=" ".join)
def test_every_command_has_help_text(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    usage, _, rest = result.output.partition("\n\n")
    assert usage.startswith("Usage: ") and len(rest.strip().splitlines()[0]) > 20
