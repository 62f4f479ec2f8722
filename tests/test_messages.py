"""Every message a person reads goes through the catalog: no error raised, line printed, warning
collected or help given in policydiff/ (but policydiff/web/, its own domain) takes a bare string or
f-string; each is ``_()``/``ngettext()``/``N_()`` or a variable made from them."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "policydiff"

ERRORS = {"PolicydiffError", "InputError", "NotADocxError", "EncryptedDocumentError", "UnsafeDocumentError",
          "FormError", "OptionError", "ArchiveError", "ClickException", "UsageError", "BadParameter",
          "FileError", "Damaged", "Unsafe", "LooksLikeADraft", "StaleError"}
PRINTS = {"echo", "secho", "style", "fail", "progressbar"}
PROGRESS = {"progress"}  # cli.common.progress(label): a progress bar's label
COLLECTORS = {"warn", "warnings", "problems", "messages", "notes"}

# (module, function): why a literal there is not a message.
JUSTIFIED = {
    ("cli/comments.py", "_print_annotations"): "one annotation per line: the division's and the document's "
                                               "words, with Thai labels of the committee's vocabulary "
                                               "(ความเห็น, เสนอแก้, ข้อความที่อ้างถึง)",
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
    if name in PROGRESS and owner is None:
        return args[:1]
    if name == "_raise":  # docx.safexml: (cls, path, part, problem)
        return args[3:]
    if name == "check_name":  # store.checks: (value, what), ``what`` a msgid naming the value
        return args[1:2]
    if name == "warn" or (name or "").startswith("_warn"):
        return args[:1]
    if name in ("add", "append", "extend") and owner in COLLECTORS:
        return [call.args[0]] + call.args[2:3] if call.args else []
    if name in ("option", "command", "group", "Option", "Argument") and owner in ("click", "main", None) \
            and module.startswith("cli/"):
        return [k.value for k in call.keywords if k.arg in ("help", "short_help", "prompt")]
    return []


def bare_messages(package=PACKAGE):
    """(module, function, line, source) of every message given as a bare literal, justified or not."""
    found = []
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package).as_posix()
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
    return list(innermost.values())


def offending_calls(package=PACKAGE):
    """The bare messages that no entry of JUSTIFIED explains."""
    return [f for f in bare_messages(package) if (f[0], f[1]) not in JUSTIFIED and (f[0], None) not in JUSTIFIED]


def test_no_message_is_a_bare_string():
    offending = offending_calls()
    assert not offending, "messages not marked for translation:\n" + "\n".join(
        f"  policydiff/{m}:{line} ({fn}): {text}" for m, fn, line, text in offending)


def test_the_check_sees_a_bare_message(tmp_path):
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
    assert sorted(line for _m, _f, line, _t in offending_calls(pkg)) == [3, 4, 5, 6]


def test_every_justified_exception_is_still_needed():
    used = {(m, f) for m, f, _l, _t in bare_messages()} | {(m, None) for m, _f, _l, _t in bare_messages()}
    assert not set(JUSTIFIED) - used


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.GeneratorExp, ast.ListComp, ast.SetComp,
          ast.DictComp)


def shadowed_gettext(package: Path) -> list:
    """(module, line) of each function or comprehension that both binds ``_`` (``for _ in``,
    ``a, _ = …``) and calls ``_()``: there ``_`` is the throwaway value, and the call fails."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for scope in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(scope, SCOPES):
                continue
            nodes = list(ast.walk(scope))
            binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in nodes)
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in nodes)
            if binds and calls:
                found.append((str(path.relative_to(package)), scope.lineno))
    return found


def test_no_throwaway_underscore_hides_the_translation():
    assert shadowed_gettext(PACKAGE) == []


def test_the_shadow_check_sees_a_throwaway_underscore(tmp_path):
    (tmp_path / "m.py").write_text("from policydiff.i18n import _\n\n"
                                   "def f(rows):\n    return [_('row {n}').format(n=n) for n, _ in rows]\n")
    assert shadowed_gettext(tmp_path) == [("m.py", 3), ("m.py", 4)]  # the function, and its comprehension
