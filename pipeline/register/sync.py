"""What a run does to the register, decided before anything is written: a pure plan over the stored state.

Per processed file: unchanged (nothing to write), changed (its own rows replaced, task ids kept),
added (a new dispatch), duplicate (the same dispatch as a live file: recorded once, with a warning)
or moved (the same dispatch as a file that is gone: it takes the dispatch over, ids and all).
A stored file that the run's inputs cover but did not find, or that no longer exists, is removed;
a dispatch left with no file is withdrawn (its tasks marked, never deleted).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from .rows import Incoming, TaskRow

# Hex digits of the dispatch id at the start of each task id. Ten digits are 40 bits: among a
# million dispatches two share their first ten digits with odds of about 1 in 3 (n^2 / 2^41), and
# both have a task "1". So a new id is checked against the register's other dispatches and, on a
# clash, takes more digits (the whole 16-digit dispatch id, unique in the register, cannot clash).
# Ids already stored never change; only a new id that would clash gets longer.
TASK_ID_PREFIX = 10


@dataclass
class FileRec:
    path: str
    shown: str
    doc_id: str
    sha256: str
    role: str  # "primary" | "duplicate"
    state: str  # "present" | "removed"


@dataclass
class DispatchRec:
    doc_id: str
    natural_key: Optional[str]
    content_key: str
    fingerprint: str
    state: str  # "active" | "withdrawn"
    number: Optional[str] = None


@dataclass
class TaskRec:
    task_id: str
    doc_id: str
    seq: str
    text_key: str
    state: str
    first_run: int


@dataclass
class State:
    files: dict[str, FileRec] = field(default_factory=dict)
    dispatches: dict[str, DispatchRec] = field(default_factory=dict)
    tasks: dict[str, list[TaskRec]] = field(default_factory=dict)  # by doc_id


@dataclass
class Decision:
    kind: str  # "unchanged" | "changed" | "added" | "duplicate" | "moved"
    item: Incoming
    doc_id: str
    warning: Optional[str] = None


@dataclass
class Plan:
    decisions: list[Decision]
    removed: list[str]  # file paths no longer there
    withdrawn: list[str]  # dispatch ids left with no file


def plan(state: State, items: list[Incoming], seen: set[str], scope: list[str],
         exists: Callable[[str], bool] = lambda p: Path(p).exists()) -> Plan:
    """Decide every file's fate; `seen` holds every path the run collected (failed ones too)."""
    removed = [p for p, f in state.files.items()
               if f.state == "present" and p not in seen and (in_scope(p, scope) or not exists(p))]
    holder = {f.doc_id: p for p, f in state.files.items()
              if f.role == "primary" and f.state == "present" and p not in removed}
    index = _key_index(state)
    shown = {p: f.shown for p, f in state.files.items()} | {item.path: item.doc.source for item in items}
    decisions = [_decide(state, item, holder, index, shown) for item in items]
    taken = {d.doc_id for d in decisions if d.kind in ("changed", "added", "moved", "unchanged")}
    gone = {state.files[p].doc_id for p in removed if state.files[p].role == "primary"}
    withdrawn = sorted(d for d in gone if d not in taken and state.dispatches.get(d, None) is not None
                       and state.dispatches[d].state == "active")
    return Plan(decisions=decisions, removed=sorted(removed), withdrawn=withdrawn)


def in_scope(path: str, scope: list[str]) -> bool:
    """Whether a run over `scope` (resolved files and folders) would have found `path`."""
    target = Path(path)
    return any(target == Path(s) or Path(s) in target.parents for s in scope)


def _key_index(state: State) -> dict[str, str]:
    index = {}
    for d in state.dispatches.values():
        index[f"c:{d.content_key}"] = d.doc_id
        if d.natural_key:
            index[f"n:{d.natural_key}"] = d.doc_id
    return index


def _decide(state: State, item: Incoming, holder: dict[str, str], index: dict[str, str],
            shown: dict[str, str]) -> Decision:
    known = state.files.get(item.path)
    if known is not None and known.role == "primary" and known.doc_id in state.dispatches:
        holder[known.doc_id] = item.path
        _index(index, item, known.doc_id)
        dispatch = state.dispatches[known.doc_id]
        same = (known.sha256 == item.doc.sha256 and dispatch.fingerprint == item.fingerprint
                and dispatch.state == "active" and known.state == "present")
        return Decision("unchanged" if same else "changed", item, known.doc_id)
    match, why = _match(item, index)
    if match is not None and holder.get(match, item.path) != item.path:
        first = holder[match]
        was_known = known is not None and known.role == "duplicate" and known.doc_id == match
        warning = None if was_known else (
            f"{item.doc.source}: the same dispatch as {shown.get(first, first)} ({why}); recorded once")
        return Decision("duplicate", item, match, warning)
    if match is not None:
        holder[match] = item.path
        return Decision("moved", item, match)
    doc_id = _new_doc_id(state, item, index)
    holder[doc_id] = item.path
    _index(index, item, doc_id)
    return Decision("added", item, doc_id)


def _match(item: Incoming, index: dict[str, str]) -> tuple[Optional[str], str]:
    if item.doc.natural_key and f"n:{item.doc.natural_key}" in index:
        return index[f"n:{item.doc.natural_key}"], f"same issuer, year and number {item.doc.number}"
    if f"c:{item.doc.content_key}" in index:
        return index[f"c:{item.doc.content_key}"], "same text"
    return None, ""


def _index(index: dict[str, str], item: Incoming, doc_id: str) -> None:
    index[f"c:{item.doc.content_key}"] = doc_id
    if item.doc.natural_key:
        index[f"n:{item.doc.natural_key}"] = doc_id


def _new_doc_id(state: State, item: Incoming, index: dict[str, str]) -> str:
    used = set(state.dispatches) | set(index.values())
    doc_id = item.file_doc_id
    while doc_id in used:
        doc_id = hashlib.sha256(f"{item.path}\0{doc_id}".encode()).hexdigest()[:16]
    return doc_id


def assign_task_ids(doc_id: str, old: list[TaskRec], new: list[TaskRow],
                    held: Callable[[str], bool] = lambda task_id: False) -> tuple[list[str], list[str]]:
    """Ids for the new tasks (an old task's id when it is the same task) and the old ids left over.

    The same task is found by outline path and text, then by text alone (renumbered), then by outline
    path alone (reworded); a task never seen before gets `<dispatch id prefix>-<outline path>`, the
    prefix longer when `held` says another dispatch has that id already.
    """
    ids: list[Optional[str]] = [None] * len(new)
    free = list(old)
    for same in (lambda o, n: o.seq == n.seq and o.text_key == n.text_key,
                 lambda o, n: o.text_key == n.text_key,
                 lambda o, n: o.seq == n.seq and bool(n.seq)):
        for i, task in enumerate(new):
            if ids[i] is None:
                hit = next((o for o in free if same(o, task)), None)
                if hit is not None:
                    ids[i] = hit.task_id
                    free.remove(hit)
    used = {o.task_id for o in old}
    for i, task in enumerate(new):
        if ids[i] is None:
            ids[i] = _new_id(doc_id, task.id_stem, used, held)
            used.add(ids[i])
    return [str(i) for i in ids], [o.task_id for o in free]


def _new_id(doc_id: str, stem: str, used: set[str], held: Callable[[str], bool]) -> str:
    """ "<first 10 hex>-<stem>", "~2" after it for the dispatch's own repeats; one more hex digit
    at a time while another dispatch holds it. The whole dispatch id is never held by another
    (its ids would differ there), so the loop ends with a free id."""
    for length in range(TASK_ID_PREFIX, len(doc_id)):
        candidate = _fresh_id(f"{doc_id[:length]}-{stem}", used)
        if not held(candidate):
            return candidate
    return _fresh_id(f"{doc_id}-{stem}", used)


def _fresh_id(candidate: str, used: set[str]) -> str:
    if candidate not in used:
        return candidate
    n = 2
    while f"{candidate}~{n}" in used:
        n += 1
    return f"{candidate}~{n}"


class TaskIdClaims:
    """Which dispatch holds a task id, during one write: the stored ids (looked up in bulk before
    the write, one by one after a clash) and the ids this write hands out."""

    def __init__(self, lookup: Callable[[list[str]], dict[str, str]]) -> None:
        self._lookup = lookup  # ids -> {id: doc_id} of those stored
        self._holder: dict[str, str] = {}
        self._looked: set[str] = set()
        self.stored: set[str] = set()  # ids found in the register

    def prefetch(self, ids: Iterable[str]) -> None:
        wanted = [i for i in set(ids) if i not in self._looked]
        self._looked.update(wanted)
        for task_id, doc_id in self._lookup(wanted).items():
            self.stored.add(task_id)
            self._holder.setdefault(task_id, doc_id)

    def held(self, doc_id: str) -> Callable[[str], bool]:
        """For `assign_task_ids`: whether a dispatch other than `doc_id` holds an id."""
        def other(task_id: str) -> bool:
            if task_id not in self._looked and task_id not in self._holder:
                self.prefetch([task_id])
            return self._holder.get(task_id, doc_id) != doc_id
        return other

    def claim(self, doc_id: str, ids: Iterable[str]) -> None:
        for task_id in ids:
            self._holder.setdefault(task_id, doc_id)
