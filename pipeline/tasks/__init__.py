"""Task stage: who must do what, by when, from the outline of a dispatch.

`extract_tasks(doc)` reads `doc.outline`, `doc.frame` (issue_date, addressees, issuer) and
`doc.blocks` (pages, table cells), and fills `doc.tasks`; it changes nothing else. A task is one
leaf directive of the outline (GUIDE.md): a numbered, lettered, dash or plus item, or a paragraph
inside one, that asks somebody to act. Its assignees are the units it names as acting, else those
of its section heading, of the lead-in that introduced it, of the Kính gửi list, of the closing
formula, else the issuer; its deadline and recurrence come from `temporal.find_temporal`, with the
deadline of an enclosing schedule heading or time label as context.

    1. Rà soát, báo cáo Sở GD&ĐT trước ngày 25/10/2021.
    -> Task(seq="1", action="rà soát", deadline="2021-10-25", assignees=[<the addressees>])
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..model import Document, Task
from . import assign, directives, tables, temporal
from .assign import Actor
from .context import Candidate, candidates

__all__ = ["extract_tasks"]


@dataclass(frozen=True)
class _Env:
    """Document-wide facts every task of the document falls back on."""

    addressees: tuple[str, ...]
    closing: tuple[Actor, ...]
    issuer: Optional[str]
    doc_date: Optional[date]


def extract_tasks(doc: Document) -> Document:
    """Fill doc.tasks from doc.outline, doc.frame and doc.blocks (see the module docstring)."""
    directives.forget()
    try:
        return _extract(doc)
    finally:
        directives.forget()


def _extract(doc: Document) -> Document:
    found = [c for c in candidates(doc) if not c.context.skip]
    tasks = [c for c in found if _is_task(c)]
    if not tasks:  # the closing formula counts when it is the only directive
        tasks = [c for c in found if c.verdict.kind == "closing" and c.verdict.acts]
    env = _env(doc, found)
    doc.tasks = []
    for c in tasks:
        doc.tasks.append(_task(doc, c, env, sum(t.seq == c.node.path for t in doc.tasks)))
    doc.tasks += tables.table_tasks(doc, env.doc_date, [t.seq for t in doc.tasks])  # task tables, appendices
    return doc


def _is_task(c: Candidate) -> bool:
    """Leaves that act; headings only when they say something beyond grouping their items."""
    v, node = c.verdict, c.node
    if node.label.lower().startswith("điều") and v.cues == ("imperative",):
        return False  # "Điều 1. Ban hành kèm theo ...": the decision itself, not a request
    if not node.children or not node.heading:
        return v.kind == "directive"
    says = c.text.rstrip().endswith(":") and v.acts
    if not any(_has_task(k) for k in c.children):
        return says and v.kind in ("directive", "lead_in")  # "Lập hồ sơ ..., bao gồm:" + its papers
    return says and v.kind == "directive" and "," in c.text  # "Tiến hành ..., cần lưu ý:"


def _has_task(c: Candidate) -> bool:
    return _is_task(c) or any(_has_task(k) for k in c.children)


def _env(doc: Document, found: list[Candidate]) -> _Env:
    closing = [c for c in found if c.verdict.kind == "closing" or directives.is_closing(c.text)]
    actors = tuple(a for c in closing[-1:] for a in assign.actors(c.text) if a.how == "lead")
    return _Env(tuple(doc.frame.addressees), actors, doc.frame.issuer, _doc_date(doc.frame.issue_date))


def _doc_date(iso: Optional[str]) -> Optional[date]:
    """The issue date; "YYYY-MM" (month only) counts from the 1st."""
    if not iso:
        return None
    try:
        parts = [int(p) for p in iso.split("-")]
        return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def _task(doc: Document, c: Candidate, env: _Env, ordinal: int) -> Task:
    node = c.node
    digest = hashlib.sha256(f"{doc.source.sha256}|{node.path}|{ordinal}".encode()).hexdigest()[:16]
    page = doc.blocks[node.blocks[0]].page if node.blocks and node.blocks[0] < len(doc.blocks) else None
    task = Task(task_id=digest, seq=node.path, text=c.text, section=c.context.section,
                action=c.verdict.action, assignees=assign.to_assignees(_assignees(c, env)),
                blocks=list(node.blocks), page=page)
    _dates(task, c, env.doc_date)
    task.confidence = round(min(1.0, c.verdict.confidence + 0.05 * bool(task.assignees)
                                + 0.05 * bool(task.deadline)), 2)
    return task


def _assignees(c: Candidate, env: _Env) -> list[Actor]:
    """The task's own leads, else the first fallback that names someone; then later subjects and
    partners. In a plan's role-list section the list decides and the text adds partners only."""
    own = assign.parties(c.text)
    leads = [a for a in own.leads if not (c.context.listed and a.subject)]
    if not leads:
        addressed = tuple(Actor(x, None, "thực hiện", "lead") for x in env.addressees)
        issuer = (Actor(env.issuer, None, "thực hiện", "lead"),) if env.issuer else ()
        chain = ((), ()) if c.feedback else (c.context.owners, c.context.lead_in)
        leads = list(next((s for s in chain + (addressed, env.closing, issuer) if s), ()))
    later = list(own.later) if not c.context.listed else []
    return assign.resolve(leads + later + list(own.partners), list(env.addressees))


def _dates(task: Task, c: Candidate, doc_date: Optional[date]) -> None:
    """Deadline, time, recurrence and milestones; a time label of the section, else the nearest
    enclosing heading that gives a deadline ("Tháng 10/2021"), is the context."""
    label = c.context.time
    context = temporal.heading_deadline(label, doc_date) if label else None
    for heading in reversed(c.context.headings if not label else ()):
        context = temporal.heading_deadline(heading, doc_date)
        if context:
            break
    found = temporal.find_temporal(c.text, doc_date, context[0] if context else None)
    task.deadline, task.deadline_text = found.deadline, found.deadline_text
    task.deadline_time, task.rrule, task.milestones = found.time, found.rrule, list(found.milestones)
    task.recurrence = found.recurrence
    own = bool(found.deadline_text) and (not context or found.deadline != context[0])
    if label and not task.recurrence and not own:
        labelled = temporal.find_temporal(label, doc_date)
        task.recurrence, task.rrule = labelled.recurrence, labelled.rrule
    if context and task.deadline == context[0] and not task.deadline_text:
        task.deadline_text = context[1]
