"""The documents.jsonl contract: one JSON object per input file, built from the model in one place."""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any

from .model import Document, OutlineNode, Task

FRAME_FIELDS = ("number", "doc_type", "issuer", "issuer_parent", "place", "issue_date", "subject",
                "urgency", "addressees", "recipients", "signer_title", "signer_authority", "signer_name",
                "references")


def document_record(doc: Document, status: str = "ok") -> dict[str, Any]:
    """The JSON object for one processed document (see README, "documents.jsonl")."""
    frame = doc.frame
    record: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "source": doc.source.path,
        "sha256": doc.source.sha256,
        "format": doc.source.format,
        "pages": doc.source.pages,
        "status": status,
    }
    for name in FRAME_FIELDS:
        value = getattr(frame, name)
        record[name] = [as_dict(v) for v in value] if name in ("recipients", "references") else value
    record.update(signed(doc))
    record["outline"] = [outline_record(n) for n in doc.outline]
    record["warnings"] = list(doc.warnings)
    record["tasks"] = [task_record(t) for t in doc.tasks]
    record["provenance"] = provenance(doc)
    return record


def signed(doc: Document) -> dict[str, Any]:
    """`signed_at` and `signed_by` ({name, organization}) from the last digital signature: in an
    e-office the last to sign is the one who issues (the clerk's organization stamps number and day)."""
    last = doc.signatures[-1] if doc.signatures else None
    by = {"name": last.name, "organization": last.organization} if last else None
    return {"signed_at": last.signed_at if last else None, "signed_by": by}


def outline_record(node: OutlineNode) -> dict[str, Any]:
    return {"label": node.label, "path": node.path, "kind": node.kind, "text": node.text,
            "heading": node.heading, "blocks": node.blocks,
            "children": [outline_record(c) for c in node.children]}


def task_record(task: Task) -> dict[str, Any]:
    record = as_dict(task)
    record["provenance"] = {"blocks": record.pop("blocks"), "page": record.pop("page")}
    return record


def as_dict(obj: Any) -> Any:
    """`dataclasses.asdict` for the model's plain values (dataclasses, lists, tuples, dicts, scalars)
    without its deep copy of every leaf: the same result at a fraction of the cost, per task of every
    document a run writes."""
    kind = type(obj)
    if kind in (str, int, float, bool) or obj is None:
        return obj
    if kind is list or kind is tuple:
        return kind(as_dict(v) for v in obj)
    if kind is dict:
        return {k: as_dict(v) for k, v in obj.items()}
    if is_dataclass(obj):
        return {name: as_dict(getattr(obj, name)) for name in field_names(kind)}
    return obj


@cache
def field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names (dataclasses.fields is slow to ask once a row)."""
    return tuple(f.name for f in fields(kind))


def provenance(doc: Document) -> dict[str, Any]:
    """Field name -> the blocks it came from, each with page and paragraph for a clerk to check."""
    out = {}
    for name, ids in doc.frame.provenance.items():
        out[name] = [block_ref(doc, i) for i in ids if 0 <= i < len(doc.blocks)]
    overlays = [{**block_ref(doc, b.id), "text": b.text} for b in doc.blocks if b.kind == "overlay"]
    if overlays:  # notes laid over the page (a routing note): shown to the clerk, never read as the text
        out["overlays"] = overlays
    return out


def block_ref(doc: Document, block_id: int) -> dict[str, Any]:
    block = doc.blocks[block_id]
    return {"block": block.id, "page": block.page, "paragraph": block.para}


def failure_record(path: str, error: str, code: str | None) -> dict[str, Any]:
    return {"doc_id": None, "source": path, "status": "failed", "error": error, "error_code": code,
            "tasks": [], "warnings": []}
