"""``--fix``: the fixes the rules planned, made with libcst in the files they touch.

The engine's diagnostics carry plain plans (``Diagnostic.fix``); this stage
reads only the files those plans touch, parses them with libcst, and returns
their new text.  Writing the files, re-linting and reporting are the CLI's.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence, Union

import libcst as cst

from ..diagnostics import AttrToRequest, Diagnostic, GlobalToG, HoistLock, LockFix, WidenLock
from .hoist import Hoist, hoist
from .globals import ToG, to_g
from .views import ToRequest, to_request
from .widen import Widen, widen
from .locks import Define, Wrap, transform
from .module import lock_assigned, parsed, top_level_names

__all__ = ["FixPlan", "fix_groups", "plan_fixes", "read_file", "settle", "settle_in_parallel", "unified_diff",
           "fixable"]

Reader = Callable[[str], str]


def fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    fix = diagnostic.fix
    return fix is not None and (fix.applicability == "safe" or unsafe)


WholeFile = Union[GlobalToG, WidenLock, HoistLock, AttrToRequest]


@dataclass
class FixPlan:
    """What a round of fixes makes: the new text of each file, and what was fixed."""

    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (before, after)
    fixed: list[Diagnostic] = field(default_factory=list)
    # Findings whose fix could not be made here, and why.
    refused: list[tuple[Diagnostic, str]] = field(default_factory=list)
    # Findings with an unsafe fix left out (no ``unsafe``), and why it is unsafe.
    hidden: list[tuple[Diagnostic, str]] = field(default_factory=list)
    # Findings whose fix waits for the next round (another lock's block in the same function goes first).
    later: list[Diagnostic] = field(default_factory=list)
    # Every finding with a fix that can be made: "safe" or "unsafe", and why it is unsafe.
    applicability: dict[Diagnostic, tuple[str, str]] = field(default_factory=dict)
    # Fixes that making them decided more of (a local or flask.g): as made.
    made: dict[Diagnostic, WholeFile] = field(default_factory=dict)

    @property
    def changed(self) -> dict[str, tuple[str, str]]:
        return {path: texts for path, texts in self.texts.items() if texts[0] != texts[1]}


def read_file(path: str) -> str:
    """A file's text as the fixes read it: UTF-8, line endings kept."""
    with open(path, encoding="utf-8", newline="") as stream:
        return stream.read()


class _Texts:
    """Each file's text, read once per round (None when it cannot be read)."""

    def __init__(self, read: Reader) -> None:
        self.read = read
        self.texts: dict[str, Optional[str]] = {}

    def __call__(self, path: str) -> Optional[str]:
        if path not in self.texts:
            try:
                self.texts[path] = self.read(path)
            except (OSError, UnicodeDecodeError):
                self.texts[path] = None
        return self.texts[path]


Group = dict[tuple[str, int, str], tuple[Wrap, list[Diagnostic]]]


def plan_fixes(diagnostics: Sequence[Diagnostic], unsafe: bool = False, read: Reader = read_file,
               lock_texts: bool = True) -> FixPlan:
    """One round: every fix that applies (safe ones; unsafe ones too with ``unsafe``), in every file.
    Without ``lock_texts``, what each fix is (``applicability``, ``made``) but not the texts the lock
    fixes make: what ``settle`` asks, and most of a round's cost."""
    plan = FixPlan()
    text = _Texts(read)
    whole = [d for d in diagnostics if isinstance(d.fix, (GlobalToG, WidenLock, HoistLock, AttrToRequest))]
    moved = _whole_file_fixes(whole, text, plan, unsafe)
    # A file changed as a whole this round gets its locks in the next one (after a re-lint).
    chosen = [d for d in diagnostics if isinstance(d.fix, LockFix)]
    plan.later.extend(d for d in chosen if d.path in moved or d.fix.lock_path in moved)  # type: ignore[union-attr]
    chosen = [d for d in chosen if d not in plan.later]
    names = _lock_names(chosen, text)
    made = _wraps_made(_grouped(chosen, names, text, plan), text, plan, unsafe)
    defines = _defines([d for d in plan.fixed if isinstance(d.fix, LockFix)], names, text)
    for path, after in moved.items():
        plan.texts[path] = (text(path) or "", after)
    for path in sorted(set(made) | set(defines)) if lock_texts else ():
        before = text(path)
        if before is not None:
            plan.texts[path] = (before, transform(before, made.get(path, []), list(defines.get(path, {}).values())))
    return plan


def _whole_file_fixes(chosen: Sequence[Diagnostic], text: _Texts, plan: FixPlan, unsafe: bool) -> dict[str, str]:
    """The fixes made on a file as a whole (flask.g, a widened lock): one per file in a round, the
    others after a re-lint; the new text of each file changed."""
    groups: dict[tuple[object, ...], list[Diagnostic]] = {}
    for d in chosen:
        fix: WholeFile = d.fix  # type: ignore[assignment]
        key: tuple[object, ...] = ((fix.path, fix.name) if isinstance(fix, GlobalToG) else
                                   (d.path, fix.function_line, fix.line) if isinstance(fix, HoistLock) else
                                   (d.path, fix.class_name, fix.attribute) if isinstance(fix, AttrToRequest) else
                                   (d.path, fix.function_line, fix.from_line))
        groups.setdefault(key, []).append(d)
    moved: dict[str, str] = {}
    for key, owners in groups.items():
        path = str(key[0])
        source = text(path)
        if source is None:
            plan.refused.extend((d, "the file could not be read") for d in owners)
            continue
        try:
            after, refused, reasons, made = _attempt(owners[0].fix, source)  # type: ignore[arg-type]
        except cst.ParserSyntaxError:
            after, refused, reasons, made = "", "the file does not parse", [], None
        if refused:
            plan.refused.extend((d, refused) for d in owners)
            continue
        why = "; ".join(reasons)
        for d in owners:
            plan.applicability[d] = ("unsafe" if why else "safe", why)
            if made is not None:
                plan.made[d] = made
        if why and not unsafe:
            plan.hidden.extend((d, why) for d in owners)
        elif path in moved:
            plan.later.extend(owners)
        else:
            moved[path] = after
            plan.fixed.extend(owners)
    return moved


def _attempt(fix: WholeFile, source: str) -> tuple[str, str, list[str], Optional[WholeFile]]:
    """(the new text, why it cannot be made, why it is unsafe, the fix as made when making it
    decided more than the plan said)."""
    reasons = [fix.why] if fix.why else []
    if isinstance(fix, GlobalToG):
        job = ToG(fix.name, set(fix.request_functions), fix.imported_elsewhere)
        after = to_g(source, job)
        if job.outside:
            reasons.append(f"it is also used outside request time ({job.outside}): that use keeps the "
                           "module's value, which no longer changes")
        if job.computed_default:
            reasons.append("its default is computed: reads before the first write see None")
        return after, _refusal(job), reasons, None
    if isinstance(fix, HoistLock):
        hoisting = Hoist(fix.function_line, fix.line, fix.call, fix.lock)
        after = hoist(source, hoisting)
        if hoisting.unfollowed:
            reasons.append(f"the block calls {hoisting.unfollowed}: with one lock for every request, a call "
                           "that takes it again or takes another lock can deadlock")
        return after, _refusal(hoisting), reasons, None
    if isinstance(fix, AttrToRequest):
        moving = ToRequest(fix.attribute, fix.class_name, fix.function_line, fix.class_level)
        after = to_request(source, moving)
        if len(moving.methods) > 1:
            reasons.append(f"other methods use it too ({', '.join(moving.methods)}): on flask.g they see this "
                           "request's value, and one that counted on a value an earlier request stored gets none")
        elif moving.done and not moving.local:
            reasons.append("it cannot simply become a local here (read before it is stored, or stored in a "
                           "nested function): on flask.g it lasts for the request")
        return after, _refusal(moving), reasons, replace(fix, local=moving.local)
    widening = Widen(fix.function_line, fix.lock, fix.from_line, fix.write_line)
    after = widen(source, widening)
    if widening.unfollowed:
        reasons.append(f"the statements that move under the lock call {widening.unfollowed}, which could take "
                       "another lock (a deadlock risk)")
    return after, _refusal(widening), reasons, None


def _refusal(job: Union[ToG, Hoist, ToRequest, Widen]) -> str:
    """Why a transformation made nothing ('' when it made its change)."""
    return "" if job.done else (job.refused or "nothing to change")


def _grouped(chosen: Sequence[Diagnostic], names: dict[tuple[str, str], str], text: _Texts, plan: FixPlan) -> Group:
    """One wrap per (file, function, lock): the fixes of one function that share a lock are one block."""
    wraps: Group = {}
    for d in chosen:
        fix: LockFix = d.fix  # type: ignore[assignment]
        lock = names.get((fix.lock_path, fix.lock))
        if lock is None or text(d.path) is None:
            plan.refused.append((d, "the file could not be read"))
            continue
        wrap, owners = wraps.setdefault((d.path, fix.function_line, lock), (Wrap(fix.function_line, set(), lock), []))
        wrap.references.update(fix.references)
        wrap.lines.add(d.line)
        owners.append(d)
    return wraps


def _wraps_made(wraps: Group, text: _Texts, plan: FixPlan, unsafe: bool) -> dict[str, list[Wrap]]:
    """Each wrap tried alone, to learn whether it can be made and which lines it covers (a block that
    holds a call into project code is unsafe); the ones to make, per file.  One wrap per function in
    a round: a second lock in the same function waits for the next round (after a re-lint)."""
    made: dict[str, list[Wrap]] = {}
    taken: set[tuple[str, int]] = set()
    # The trials: the wraps of one file in different functions do not meet, so one pass tries them all.
    trials: dict[str, list[dict[int, Wrap]]] = {}
    for (path, function_line, _), (wrap, _) in wraps.items():
        batches = trials.setdefault(path, [])
        batch = next((b for b in batches if function_line not in b), None)
        if batch is None:
            batches.append(batch := {})
        batch[function_line] = wrap
    for path, batches in trials.items():
        for batch in batches:
            try:
                transform(text(path) or "", list(batch.values()), [], code=False)
            except cst.ParserSyntaxError:
                for wrap in batch.values():
                    wrap.refused = "the file does not parse"
    for (path, function_line, _), (wrap, owners) in wraps.items():
        if wrap.wrapped is not None and wrap.lone and not _lock_in_use(wrap, owners, wraps, text):
            wrap.wrapped, wrap.refused = None, ("a lock around a lone store changes nothing: every request "
                                                "still sees the value another stored")
        if wrap.wrapped is None:
            plan.refused.extend((d, wrap.refused) for d in owners)
            continue
        why = _unsafe_because(wrap, owners)
        for d in owners:
            plan.applicability[d] = ("unsafe" if why else "safe", why)
        if why and not unsafe:
            plan.hidden.extend((d, why) for d in owners)
            continue
        if (path, function_line) in taken:
            plan.later.extend(owners)
            continue
        taken.add((path, function_line))
        made.setdefault(path, []).append(Wrap(wrap.function_line, wrap.references, wrap.lock, wrap.lines))
        plan.fixed.extend(owners)
    return made


def _lock_in_use(wrap: Wrap, owners: Sequence[Diagnostic], wraps: Group, text: _Texts) -> bool:
    """Other code takes (or will take) this lock: a lone store under it keeps the locking consistent
    (``hits = 0`` beside ``with _hits_lock: hits += 1``)."""
    fix: LockFix = owners[0].fix  # type: ignore[assignment]
    if fix.existing or reuses(text(fix.lock_path) or "", wrap.lock):
        return True
    return any(other is not wrap and other.lock == wrap.lock and other.wrapped is not None and not other.lone
               and any(isinstance(d.fix, LockFix) and d.fix.lock_path == fix.lock_path for d in others)
               for other, others in wraps.values())


def _unsafe_because(wrap: Wrap, owners: Sequence[Diagnostic]) -> str:
    assert wrap.wrapped is not None
    start, end = wrap.wrapped
    fixes: list[LockFix] = [d.fix for d in owners if isinstance(d.fix, LockFix)]
    inside = sorted({(line, name) for fix in fixes for line, name in fix.project_calls if start <= line <= end})
    reasons = [fix.why for fix in fixes if fix.why][:1]
    if wrap.unfollowed:
        reasons.append(f"the block calls {wrap.unfollowed}, which could take another lock (a deadlock risk)")
    elif inside:
        line, name = inside[0]
        reasons.append(f"the block calls project code ({name}() at line {line}), which could take another "
                       "lock (a deadlock risk)")
    return "; ".join(reasons)


def _defines(fixed: Sequence[Diagnostic], names: dict[tuple[str, str], str],
             text: _Texts) -> dict[str, dict[str, Define]]:
    """The locks to define (unless the module already has that lock) and to import, per file."""
    defines: dict[str, dict[str, Define]] = {}
    for d in fixed:
        fix: LockFix = d.fix  # type: ignore[assignment]
        lock = names[(fix.lock_path, fix.lock)]
        if not fix.existing and not reuses(text(fix.lock_path) or "", lock):
            defines.setdefault(fix.lock_path, {}).setdefault(lock, Define(lock, fix.lock_line))
        if fix.lock_module:
            beside = fix.references[0].split(".")[0]
            defines.setdefault(d.path, {}).setdefault(f"import {lock}",
                                                      Define(lock, module=fix.lock_module, beside=beside))
    return defines


def settle(diagnostics: Sequence[Diagnostic], edits: bool = False, read: Reader = read_file) -> list[Diagnostic]:
    """The diagnostics with their fixes as the fixer finds them: the final applicability (a block that
    turns out to call project code is unsafe), no fix where none can be made, and with ``edits``
    each fix's own edits (what JSON and SARIF show)."""
    if not any(d.fix is not None for d in diagnostics):
        return list(diagnostics)
    plan = plan_fixes(diagnostics, unsafe=True, read=read, lock_texts=False)
    applicability, made = dict(plan.applicability), dict(plan.made)
    for d in plan.later:  # left for a later round: what it would be, planned alone
        if d not in applicability:
            alone = plan_fixes([d], unsafe=True, read=read, lock_texts=False)
            applicability.update(alone.applicability)
            made.update(alone.made)
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d.fix is None or d not in applicability:
            out.append(replace(d, fix=None) if d.fix is not None else d)
            continue
        kind, why = applicability[d]
        fix = replace(made.get(d, d.fix), applicability=kind, why=why)
        if edits:
            fix = replace(fix, edits=tuple(_edits(plan_fixes([d], unsafe=True, read=read).changed)))
        out.append(replace(d, fix=fix))
    return out


def fix_groups(fixed: Sequence[Diagnostic]) -> list[list[Diagnostic]]:
    """The findings with fixes, in groups that share no file, each in report order: each group
    settles alone (a fix reads only the files it touches), so groups can be settled apart."""
    parent: dict[str, str] = {}

    def root(path: str) -> str:
        while parent.setdefault(path, path) != path:
            path = parent[path]
        return path

    for d in fixed:
        assert d.fix is not None
        for other in d.fix.paths:
            parent[root(other)] = root(d.path)
    groups: dict[str, list[Diagnostic]] = {}
    for d in fixed:
        groups.setdefault(root(d.path), []).append(d)
    return list(groups.values())


# Fixes per worker job: enough to pay for sending them, few enough to share the work out evenly.
SETTLE_CHUNK = 24


@dataclass(frozen=True)
class SettleJob:
    """Findings to settle in a worker, with the texts of the files their fixes read (None: unreadable)."""

    diagnostics: tuple[Diagnostic, ...]
    edits: bool
    texts: dict[str, Optional[str]]


def settle_job(job: SettleJob) -> list[Diagnostic]:
    """What a worker does with a ``SettleJob``."""
    def read(path: str) -> str:
        text = job.texts.get(path)
        if text is None:
            raise OSError(f"{path} could not be read")
        return text

    return settle(job.diagnostics, edits=job.edits, read=read)


def settle_in_parallel(diagnostics: Sequence[Diagnostic], edits: bool = False, read: Reader = read_file,
                       workers: int = 1) -> list[Diagnostic]:
    """``settle``, with the groups of fixes shared out over ``workers`` processes when there are
    enough of them (a cold run on a large project settles hundreds, one libcst parse each).  A job
    whose worker fails is settled here instead."""
    fixed = [d for d in diagnostics if d.fix is not None]
    chunks: list[list[Diagnostic]] = [[]]
    for group in fix_groups(fixed):
        if len(chunks[-1]) >= SETTLE_CHUNK:
            chunks.append([])
        chunks[-1].extend(group)
    results: Sequence[Optional[list[Diagnostic]]] = [None] * len(chunks)
    if workers > 1 and len(fixed) >= 2 * SETTLE_CHUNK:
        from ..facts.workers import WorkerPool

        jobs = [SettleJob(tuple(chunk), edits, _texts_of(chunk, read)) for chunk in chunks]
        results = WorkerPool(min(workers, len(jobs)), file_timeout=600, work=settle_job,
                             failure=lambda job, why: None).run(jobs)
    # Here, a chunk at a time all the same: its files' trees stay among the few the fixes keep
    # parsed, where the whole run at once would parse each file two or three times.
    settled: dict[int, Diagnostic] = {}
    for chunk, result in zip(chunks, results):
        made = result if result is not None else settle(chunk, edits=edits, read=read)
        settled.update((id(before), after) for before, after in zip(chunk, made))
    return [settled.get(id(d), d) for d in diagnostics]


def _texts_of(chunk: Sequence[Diagnostic], read: Reader) -> dict[str, Optional[str]]:
    text = _Texts(read)
    return {path: text(path) for path in sorted({p for d in chunk for p in (d.path, *(d.fix.paths if d.fix else ()))})}


def _edits(changed: dict[str, tuple[str, str]]) -> list[tuple[str, int, int, int, int, str]]:
    """Whole-line edits that turn each file's old text into its new one."""
    out = []
    for path in sorted(changed):
        before, after = (text.splitlines(keepends=True) for text in changed[path])
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                out.append((path, i1 + 1, 1, i2 + 1, 1, "".join(after[j1:j2])))
    return out


def reuses(source: str, lock: str) -> bool:
    """The module already defines ``lock`` as a lock: the fix uses it and defines nothing."""
    try:
        return lock_assigned(parsed(source), lock) is True
    except cst.ParserSyntaxError:
        return False


def _lock_names(chosen: Sequence[Diagnostic], text: Callable[[str], Optional[str]]) -> dict[tuple[str, str], str]:
    """The name each planned lock gets in its module: the planned one, unless that name is taken by
    something that is not a lock (then ``_stock_lock_2``, ...)."""
    names: dict[tuple[str, str], str] = {}
    for d in chosen:
        fix: LockFix = d.fix  # type: ignore[assignment]
        key = (fix.lock_path, fix.lock)
        if key in names:
            continue
        if fix.existing:
            names[key] = fix.lock  # the lock the other writes take, as they name it
            continue
        source = text(fix.lock_path)
        if source is None:
            continue
        try:
            module = parsed(source)
        except cst.ParserSyntaxError:
            continue
        taken = top_level_names(module)
        name, n = fix.lock, 1
        while name in taken and lock_assigned(module, name) is not True:
            n += 1
            name = f"{fix.lock}_{n}"
        names[key] = name
    return names


def unified_diff(changed: dict[str, tuple[str, str]]) -> str:
    """``--diff``'s output: a unified diff per changed file, in path order."""
    out: list[str] = []
    for path in sorted(changed):
        before, after = changed[path]
        for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                         fromfile=f"a/{path}", tofile=f"b/{path}"):
            # A last line without its newline, as diff(1) and patch(1) write and read it.
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
