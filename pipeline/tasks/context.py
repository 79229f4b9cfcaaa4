"""Walk the outline and keep, for every node, what its surroundings say about its tasks.

A directive often names nobody and no date itself: its section heading does ("2. Phòng GD&ĐT các
huyện:"), or a lead-in paragraph before it ("Sở ... yêu cầu X, Y thực hiện các công việc sau:"),
or, in plans, sibling role lists ("2. Cơ quan chủ trì, phối hợp") and time labels ("3. Thời gian
thực hiện: Tháng 12/2013"). This module carries those down the tree and decides which nodes are
tasks: leaves and paragraphs that act, and headings only when they say something themselves.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterator, Optional

from ..model import Document, OutlineNode
from . import assign, directives, nlp, units
from . import vocabulary
from .assign import Actor
from .directives import Verdict

_SHORT_HEADING = 6  # words: a heading this short that opens with a unit names one owner
_MARKER = re.compile(r"^\s*(?:[a-zđ]\s*[/).]|\d{1,2}\s*[/)])\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """What the enclosing nodes say about the nodes below them."""

    section: Optional[str] = None  # text of the nearest enclosing heading
    owners: tuple[Actor, ...] = ()  # units of the nearest unit heading or role list
    listed: bool = False  # owners come from a plan's role list ("Cơ quan chủ trì")
    lead_in: tuple[Actor, ...] = ()  # units the introducing lead-in asks to act
    time: Optional[str] = None  # a time label for this subtree ("Thời gian thực hiện: ...")
    headings: tuple[str, ...] = ()  # enclosing heading texts, outermost first
    skip: bool = False  # inside goals, requirements, past results or a form to fill


@dataclass
class Candidate:
    """A node that may be a task, with its context and verdict."""

    node: OutlineNode
    context: Context
    verdict: Verdict
    text: str
    feedback: bool = False  # "nếu có khó khăn, vướng mắc đề nghị phản ánh ...": for the addressees
    children: list["Candidate"] = field(default_factory=list)


def candidates(doc: Document) -> list[Candidate]:
    """Every outline node outside tables, in reading order, with its context and verdict."""
    cells = {b.id for b in doc.blocks if b.kind == "cell"}
    return list(_walk(doc.outline, Context(), cells))


def _walk(nodes: list[OutlineNode], ctx: Context, cells: set[int]) -> Iterator[Candidate]:
    ctx = _siblings(nodes, ctx)
    lead_in = ctx.lead_in
    for node in nodes:
        if _aside(node) or (node.blocks and all(b in cells for b in node.blocks)):
            continue
        text = _MARKER.sub("", node.text, count=1)
        nlp.prime(text)
        verdict = directives.classify(text)
        here = replace(ctx, lead_in=lead_in)
        if verdict.kind == "lead_in" and not node.children:
            lead_in = tuple(assign.actors(text, lead_in=True)) or lead_in
        kids = list(_walk(node.children, _enter(node, text, verdict, here), cells)) if node.children else []
        yield Candidate(node, here, verdict, text, vocabulary.matches("feedback", text), kids)
        yield from kids


def _aside(node: OutlineNode) -> bool:
    """Role lists and time labels describe their siblings; they are never tasks themselves."""
    return vocabulary.matches("role_list_heading", node.text) or _time_label(node)


def _time_label(node: OutlineNode) -> bool:
    """ "Thời gian thực hiện: Tháng 12/2013"; not "Thời hạn báo cáo: Báo cáo ... gửi về Sở ..."."""
    if not vocabulary.matches("time_label", node.text):
        return False
    return not directives.act(node.text.split(":", 1)[-1].strip())


def _siblings(nodes: list[OutlineNode], ctx: Context) -> Context:
    """Role lists and a time label among `nodes` apply to all of them."""
    owners = tuple(a for node in nodes if vocabulary.matches("role_list_heading", node.text)
                   for a in _role_list(node))
    times = [n.text for n in nodes if _time_label(n)]
    if owners:
        ctx = replace(ctx, owners=owners, listed=True)
    if len(times) == 1:
        ctx = replace(ctx, time=times[0])
    return ctx


def _role_list(node: OutlineNode) -> list[Actor]:
    """Units of "2. Cơ quan chủ trì, phối hợp" with its "a) Cơ quan chủ trì" / "b) ... phối hợp"."""
    out = []
    labelled = [c for c in node.children if _label_role(c.text)]
    for child in labelled or [node]:
        role = _label_role(child.text) or "chủ trì"
        body = child.text.split(":", 1)[1] if ":" in child.text and child is not node else ""
        texts = [body] + [c.text for c in child.children if not c.text.lstrip().startswith("(")]
        how = "partner" if role == "phối hợp" else "lead"
        out += [Actor(name, None, role, how) for t in texts for name in assign.items(t)]
    return out


def _label_role(text: str) -> Optional[str]:
    key = nlp.canon(text.split(":", 1)[0]).strip()
    return next((role for role, p in vocabulary.patterns().role_labels.items() if p.search(key)), None)


def _enter(node: OutlineNode, text: str, verdict: Verdict, ctx: Context) -> Context:
    """The context for a node's children."""
    inner = ctx
    if node.heading or node.kind == "schedule":  # an item's own deadline is not its children's
        inner = replace(inner, headings=ctx.headings + (text,))
    if node.heading or verdict.kind == "lead_in":
        inner = replace(inner, section=text)
    if node.heading and (vocabulary.matches("skip_sections", text) or vocabulary.matches("forms", text)):
        return replace(inner, skip=True)
    owners = _heading_units(text, verdict)
    if owners:
        inner = replace(inner, owners=tuple(owners), listed=False)
    return inner


def _heading_units(text: str, verdict: Verdict) -> list[Actor]:
    """Units a heading hands to its items: "1.2. UBND cấp huyện:" or a lead-in that asks them."""
    body = vocabulary.patterns().single["unit_heading_prefix"].sub("", nlp.canon(text), count=1)
    rest = text[len(nlp.canon(text)) - len(body):].strip().rstrip(" .:;")
    mentions = units.find(rest)
    if mentions and not rest[:mentions[0].start].strip():
        if len(rest.split()) <= _SHORT_HEADING and "," not in rest:
            return [Actor(rest, mentions[0].unit_id, "thực hiện", "lead")]  # "Kế toán nhà trường"
        if not rest[mentions[-1].end:].strip():
            return [Actor(m.text, m.unit_id, "thực hiện", "lead") for m in mentions]
    if verdict.kind == "lead_in":
        return assign.actors(text, lead_in=True)
    return []
