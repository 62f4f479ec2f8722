"""The round's sources — reviewed copies (.docx), comment forms (.csv/.xlsx), folders of them —
read into annotations anchored on the base draft."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..core.anchors import Anchor, anchor_clause, anchor_quote, anchor_span
from ..core.structure import display_label
from ..core.tokens import load_dictionary, word_span
from ..core.annotations import COMMENT, PROPOSAL, Annotation, base_index, from_review_copy
from ..core.result import Messages
from ..docx.package import open_package
from ..docx.reader import read_package
from ..errors import FormError, PolicydiffError
from ..forms.clauseref import path_matches
from ..forms.commentform import read_form
from ..ownfiles import written_by_policydiff
from .parallel import parallel_map
from ..i18n import _

DOCX, FORMS = (".docx",), (".csv", ".xlsx")


@dataclass(frozen=True)
class Problem:
    """A source that could not be used at all (its error), kept so the round reports it.
    ``draft``: it looks like a new draft rather than a division's copy (see ``import_one``)."""

    source: str
    message: str
    draft: bool = False


# A reviewed copy with neither comments nor tracked changes that differs from the base in this
# many places looks like a new draft given as a source (``merge v1 v2`` for ``--revised v2``).
DRAFT_LIKE_EDITS = 5


class LooksLikeADraft(PolicydiffError):
    """A source that is a new version of the draft, not a division's reviewed copy."""


@dataclass(frozen=True)
class Imported:
    annotations: Tuple[Annotation, ...]
    warnings: Tuple[str, ...]
    problems: Tuple[Problem, ...]
    skipped: Tuple[str, ...] = ()  # files in the round's folders that policydiff wrote itself


def expand(sources: Sequence) -> List[Path]:
    """Files named, and the .docx/.csv/.xlsx files inside named folders (sorted, no temp files,
    none that policydiff wrote itself)."""
    return [p for p, problem in _expand(sources) if problem != _OURS]


_OURS = "written by policydiff"


def _expand(sources: Sequence) -> List[Tuple[Path, str]]:
    """(path, "") for each source file, (folder, problem) for a folder that holds none, and
    (path, _OURS) for a file policydiff wrote (a consolidated copy saved into the round folder)."""
    out: List[Tuple[Path, str]] = []
    for s in sources:
        p = Path(s)
        if not p.is_dir():
            out.append((p, ""))
            continue
        try:
            found = sorted(f for f in p.iterdir() if f.suffix.lower() in DOCX + FORMS
                           and not f.name.startswith(("~$", ".")) and f.is_file())
        except OSError as e:
            out.append((p, _("{path}: is a folder that cannot be read: "
                             "{problem}").format(path=p, problem=e.strerror)))
            continue
        out.extend((f, _OURS if written_by_policydiff(f) else "") for f in found)
        if not found:
            out.append((p, _("{path}: is a folder with no reviewed copies or comment forms (.docx, .csv, .xlsx) in "
                              "it").format(path=p)))
    return out


def import_sources(base, sources: Sequence, *, round_from: str = "", round_to: str = "",
                   workers: Optional[int] = None, force: bool = False) -> Imported:
    """Annotations from every source; a source that fails is a Problem, not the end of the round.

    ``workers``: processes reading the reviewed copies (default: one per core when the copies
    are large enough to pay for it, see ``PARALLEL_MIN_BYTES``; 1 reads them here).
    """
    annotations: List[Annotation] = []
    warnings: List[str] = []
    problems: List[Problem] = []
    index = base_index(base.doc, base.outline)  # the base's clause tree: once, not once per copy
    jobs = _expand(sources)
    skipped = tuple(path.name for path, problem in jobs if problem == _OURS)
    jobs = [(path, problem) for path, problem in jobs if problem != _OURS]
    copies = [path for path, problem in jobs if not problem and path.suffix.lower() in DOCX]
    done = dict(zip(copies, _import_copies(base, index, copies, workers, force)))
    for path, problem in jobs:
        outcome = ("problem", problem) if problem else done.get(path) or _import_guarded((base, index, force), path)
        if outcome[0] in ("problem", "draft"):
            problems.append(Problem(path.name, outcome[1], draft=outcome[0] == "draft"))
            continue
        _, got, warned = outcome
        annotations.extend(got)
        # Form readers already name their file; say it once.
        warnings.extend(w if w.startswith(f"{path.name}: ") else f"{path.name}: {w}" for w in warned)
    if round_from or round_to:
        annotations = [replace(a, late=_outside(a.date, round_from, round_to)) for a in annotations]
    return Imported(tuple(annotations), tuple(warnings), tuple(problems), skipped)


# Reading a reviewed copy is bound by parsing its XML (about 0.1 s for the 8 MB document part of
# a 3,000-clause draft saved by Word) and the copies are independent, so above this many bytes
# of copies they are read in worker processes, one per core; below it a process costs more.
PARALLEL_MIN_BYTES = 1_000_000


def _import_guarded(job: tuple, path: Path) -> tuple:
    """("ok", annotations, warnings) from one source, or ("problem", message) / ("draft", message);
    ``job``: (base, index, force), the same for every source."""
    base, index, force = job
    try:
        got, warned = import_one(base, path, index, force)
    except LooksLikeADraft as e:
        return ("draft", str(e))
    except PolicydiffError as e:
        return ("problem", str(e))
    return ("ok", tuple(got), tuple(warned))


def _import_copies(base, index, paths: List[Path], workers: Optional[int], force: bool = False) -> List[tuple]:
    """The outcome of each reviewed copy, read here or in worker processes."""
    if workers is None:
        large = sum(_size(p) for p in paths) >= PARALLEL_MIN_BYTES
        workers = (os.cpu_count() or 1) if large else 1
    if workers > 1 and len(paths) > 1:
        load_dictionary()  # inherited by the forked workers instead of loaded in each
    return parallel_map(_import_guarded, (base, index, force), paths, workers)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported when it is read


def _outside(date: str, start: str, end: str) -> bool:
    day = (date or "")[:10]
    return bool(day) and ((start and day < start[:10]) or (end and day > end[:10]))


def import_one(base, path: Path, index=None, force: bool = False):
    """(annotations, warnings) from one reviewed copy or form (``index``: ``base_index(base.doc)``).

    A copy with no comment and no tracked change that differs from the base in many places is
    refused (LooksLikeADraft) unless ``force``: it is a revised draft given as a source.
    """
    suffix = path.suffix.lower()
    if suffix in FORMS:
        return _from_form(base, path)
    pkg = open_package(path)
    copy = read_package(pkg, view="all")
    result = from_review_copy(base.doc, copy, source=path.name, index=index)
    edits = len(result.value)
    if not force and not copy.comments and not copy.has_changes and edits >= DRAFT_LIKE_EDITS:
        raise LooksLikeADraft(_("{path}: looks like a new draft, not a division's reviewed copy: no comment, no "
                                "tracked change, and {count} places differ from the base; did you mean --revised? "
                                "(--force reads it as a division's copy)").format(path=path, count=edits))
    return result.value, copy.warnings + result.messages  # the copy's include the package's


def _from_form(base, path: Path):
    form = read_form(path)
    if not form.value:
        raise FormError(path, _("has no usable comment rows (each row needs a comment or proposed wording)"))
    warnings = Messages()
    for w in form.messages:
        warnings.add(w)
    out: List[Annotation] = []
    resolved = {}  # a form of 100,000 rows names a few hundred clauses
    for row in form.value:
        if row.clause_path not in resolved:
            resolved[row.clause_path] = _resolve(base.clauses, row.clause_path)
        ci = resolved[row.clause_path]
        anchor, name = _form_anchor(base.clauses, ci, row, warnings)
        kind = PROPOSAL if row.proposal else COMMENT
        text = row.proposal if row.proposal else row.comment
        action = ("replace" if anchor.exact else "insert") if kind == PROPOSAL else ""
        out.append(Annotation(
            id=f"{path.name}#{row.row}", source=path.name, division=row.division, kind=kind, clause=name,
            anchor=anchor, text=text, action=action, author=row.division, type=row.type, row=row.row,
            date=row.date, initials=row.initials,
            note=row.comment if row.proposal else "",
        ))
    return tuple(out), warnings.all()


def _resolve(clauses, ref_path):
    if ref_path is None:
        return None
    for ci, c in enumerate(clauses):
        if path_matches(ref_path, c.path):
            return ci
    return None


def _form_anchor(clauses, ci, row, warnings) -> Tuple[Anchor, str]:
    if ci is None:
        warnings.add(_("row {row}: no clause {clause_ref!r} in the draft; kept as an orphan").format(
            row=row.row, clause_ref=row.clause_ref),
                     "no-clause", _("rows naming a clause not in the draft, kept as orphans"))
        return Anchor("", row.quote, start=0, end=0), row.clause_ref
    c = clauses[ci]
    name = display_label(clauses, ci)
    if row.quote:
        anchor = anchor_quote(c.path, c.text, row.quote)
        if anchor is not None and not row.proposal:  # a comment is on whole words
            return anchor_span(c.path, c.text, *word_span(c.text, anchor.start, anchor.end)), name
        if anchor is not None:
            return anchor, name
        warnings.add(_("row {row}: the quoted words are not in {name}; anchored to the whole clause").format(
            row=row.row, name=name),
                     "no-quote", _("rows whose quoted words are not in their clause"))
    return anchor_clause(c.path, c.text), name
