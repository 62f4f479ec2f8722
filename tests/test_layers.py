"""The layers: dependencies point one way (cli → workflows → docx / forms / store → core), XML
stays in policydiff/docx, the core does no I/O, every command has help."""

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


# The layer of each part of the package; a module may import only from its own layer or below.
# Within the middle layer, docx, forms, store and html do not import one another.
LAYERS = {"core": 0, "errors": 0, "thaidate": 0, "i18n": 0, "wordlist": 0, "__init__": 0,
          "docx": 1, "forms": 1, "store": 1, "html": 1, "fsutil": 1, "ownfiles": 1,
          "workflows": 2, "cli": 3, "web": 3, "__main__": 3}
SIBLINGS = {"docx", "forms", "store", "html"}


def part_of(module: str) -> str:
    """The top-level part of ``policydiff.a.b`` ("a"); a name defined in the package's
    ``__init__`` (``from . import __version__``) belongs to it."""
    part = module.split(".")[1] if "." in module else "__init__"
    return part if (PACKAGE / part).is_dir() or (PACKAGE / f"{part}.py").is_file() else "__init__"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts)


def policydiff_imports(path: Path) -> set:
    """Every policydiff module ``path`` imports, absolute or relative, resolved to its full name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "policydiff")
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if target.split(".")[0] != "policydiff":
                continue
            found.update(f"{target}.{a.name}" if not node.module else target for a in node.names)
    return found


def modules(folder=""):
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_docx_package_imports_lxml_or_python_docx(path):
    if path.parent.name == "docx":
        return
    assert not imports(path) & {"lxml", "docx"}, path


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependencies_point_down_the_layers(path):
    own = part_of(module_name(path))
    for target in policydiff_imports(path):
        other = part_of(target)
        assert LAYERS[other] <= LAYERS[own], f"{module_name(path)} ({own}) imports {target} ({other})"
        if own in SIBLINGS and other in SIBLINGS:
            assert own == other, f"{module_name(path)} imports {target}: docx, forms, store and html stay apart"


def test_the_layer_check_sees_relative_imports(tmp_path, monkeypatch):
    # The check itself: ``from ..docx.reader import x`` in core resolves to policydiff.docx.reader.
    fake = PACKAGE / "core" / "model.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: "from ..docx.reader import x\nfrom . import y\n")
    assert policydiff_imports(fake) == {"policydiff.docx.reader", "policydiff.core.y"}


def test_every_part_of_the_package_has_a_layer():
    parts = {p.stem if p.parent == PACKAGE else p.relative_to(PACKAGE).parts[0] for p in modules()}
    assert parts <= set(LAYERS), parts - set(LAYERS)


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
