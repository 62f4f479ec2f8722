"""Every message a person reads goes through the catalog: no error raised, line printed, warning
collected or help given in policydiff/ (but policydiff/web/, its own domain) takes a bare string or
f-string; each is ``_()``/``ngettext()``/``N_()`` or a variable made from them."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "policydiff"

ERRORS = {"PolicydiffError", "InputError", "NotADocxError", "EncryptedDocumentError", "UnsafeDocumentError",
          "FormError", "OptionError", "ArchiveError", "ClickException", "UsageError", "BadParameter",
          "FileError", "Damaged", "Unsafe", "LooksLikeADraft"}
PRINTS = {"echo", "secho", "style", "fail", "progressbar"}
COLLECTORS = {"warn", "warnings", "problems", "messages", "notes"}

# (module, function): why a literal there is not a message.
JUSTIFIED = {
    ("cli/drafts.py", "_inline"): "the word diff's own marks ([-…-], {+…+}) around the document's words",
    ("cli/drafts.py", "_change_line"): "the summary's sign and the clause labels: data; the words are _()",
    ("cli/comments.py", "_print_annotations"): "one annotation per line: the division's and the document's "
                                               "words, with Thai labels of the committee's vocabulary",
    ("cli/archive.py", "log"): "a version per line: its label, B.E. date, hash, clause count (ข้อ) and note",
    ("cli/archive.py", "_blame_line"): "a clause per line: labels, B.E. dates and the committee's Thai words",
    ("cli/common.py", "print_clauses"): "the clause tree: the document's own labels and words",
    ("docx/inventory.py", None): "an independent reading of a .docx for tests and benchmarks, no person's "
                                 "message",
}


def _is_literal(node) -> bool:
    """A string literal or f-string with words in it (not only spaces, punctuation or placeholders)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and any(ch.isalpha() for ch in v.value) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    return False


def _name(func):
    if isinstance(func, ast.Name):
        return func.id, None
    if isinstance(func, ast.Attribute):
        base = func.value
        owner = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
        return func.attr, owner
    return None, None


def _message_args(call, module: str):
    """The arguments of ``call`` that are messages to a person, if it is such a call."""
    name, owner = _name(call.func)
    args = list(call.args) + [k.value for k in call.keywords if k.arg in ("message", "help", "short_help",
                                                                          "summary", "label")]
    if name in ERRORS or (name == "ValueError" and module == "thaidate.py"):
        return args
    if name in PRINTS and owner in ("click", "ctx"):
        return args[:1] + [k.value for k in call.keywords if k.arg in ("help", "label")]
    if name == "_raise":  # docx.safexml: (cls, path, part, problem)
        return args[3:]
    if name == "warn" or (name or "").startswith("_warn"):
        return args[:1]
    if name in ("add", "append", "extend") and owner in COLLECTORS:
        return [call.args[0]] + call.args[2:3] if call.args else []
    if name in ("option", "command", "group", "Option", "Argument") and owner in ("click", "main", None) \
            and module.startswith("cli/"):
        return [k.value for k in call.keywords if k.arg in ("help", "short_help", "prompt")]
    return []


def offending_calls():
    """(module, function, line, source) of every message given as a bare literal."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module.startswith("web/"):
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for func in [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            fname = getattr(func, "name", None)
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and any(_is_literal(a) for a in _message_args(node, module)):
                    found.append((module, fname, node.lineno, ast.get_source_segment(source, node)[:100]))
    innermost = {}
    for module, fname, line, text in found:  # a call inside a function is reported once, for that function
        if fname is not None or (module, line) not in innermost:
            innermost[(module, line)] = (module, fname, line, text)
    return [f for f in innermost.values()
            if (f[0], f[1]) not in JUSTIFIED and (f[0], None) not in JUSTIFIED]


def test_no_message_is_a_bare_string():
    offending = offending_calls()
    assert not offending, "messages not marked for translation:\n" + "\n".join(
        f"  policydiff/{m}:{line} ({fn}): {text}" for m, fn, line, text in offending)


def test_the_check_sees_a_bare_message(tmp_path, monkeypatch):
    """The check itself: an unmarked error, print, warning or help is found."""
    pkg = tmp_path / "policydiff"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "cli" / "x.py").write_text(
        'import click\n'
        'def f(warn, name):\n'
        '    warn.add(f"{name}: odd")\n'
        '    click.echo("done")\n'
        '    raise InputError(name, "no such file")\n'
        '@click.option("--x", help="Some help.")\n'
        'def g():\n'
        '    click.echo(_("done"))\n', encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", pkg, raising=False)
    globals()["PACKAGE"], old = pkg, PACKAGE
    try:
        lines = sorted(line for _m, _f, line, _t in offending_calls())
    finally:
        globals()["PACKAGE"] = old
    assert lines == [3, 4, 5, 6]
