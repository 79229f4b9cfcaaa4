"""report.html: one self-contained page (inline CSS, JS and data; no network) for reviewing the register.

Headline figures, a deadline chart by month, a per-unit view, a sortable and filterable task table
(unit, status, month, document, free text), and each task's source blocks highlighted in its
document's text. The register's data go in as JSON inside a non-executed <script> element, with
"<", ">" and "&" escaped, and the page's script puts every value in with textContent; a Content
Security Policy allows only that one script (by its hash) and no network at all.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from .. import atomic
from .columns import RECURRENCE_LABELS, STATUS_LABELS
from .tables import Tables, unit_counts

_PLACEHOLDER = re.compile(r"__(CSS|JS|DATA|TODAY|SCRIPT_HASH|CASCADE)__")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def write_report(tables: Tables, path: str | Path) -> Path:
    """Written piece by piece: a register of thousands of dispatches embeds every one's text, and the
    page whole (and its UTF-8 copy) would cost several times that in memory."""
    with atomic.atomic_open(path) as handle:
        for chunk in render_chunks(tables):
            handle.write(chunk)
    return Path(path)


def render(tables: Tables) -> str:
    return "".join(render_chunks(tables))


def render_chunks(tables: Tables) -> Iterator[str]:
    template, css, js = (_asset(n) for n in ("report.html", "report.css", "report.js"))
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    from ..cascade.exports import report_section  # imported here: cascade builds on the register's columns

    values = {"CSS": css, "JS": js, "TODAY": html.escape(tables.today.strftime("%d/%m/%Y")),
              "SCRIPT_HASH": f"'sha256-{digest}'", "CASCADE": report_section(tables)}
    at = 0
    for match in _PLACEHOLDER.finditer(template):
        yield template[at:match.start()]
        if match.group(1) == "DATA":
            yield from data_chunks(tables)
        else:
            yield values[match.group(1)]
        at = match.end()
    yield template[at:]


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON that cannot end its <script> element or start markup, whatever the strings hold."""
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def data_chunks(tables: Tables) -> Iterator[str]:
    """The register-data JSON (today, soonDays, labels, headline, tasks, docs, units) one task and one
    document at a time: the same text as one `script_json` of the whole, never held whole."""
    head = {"today": tables.today.isoformat(), "soonDays": tables.soon_days,
            "labels": {"status": STATUS_LABELS, "recurrence": RECURRENCE_LABELS}, "headline": headline(tables)}
    yield script_json(head)[:-1] + ',"tasks":['
    for i, task in enumerate(tables.tasks.to_dict("records")):
        yield ("," if i else "") + script_json(_task(task))
    yield '],"docs":{'
    for i, doc in enumerate(tables.documents.to_dict("records")):
        yield ("," if i else "") + script_json(doc["doc_id"]) + ":" + script_json(_doc(doc))
    yield '},"units":' + script_json(unit_counts(tables).to_dict("records")) + "}"


def headline(tables: Tables) -> list[dict[str, Any]]:
    counts = tables.tasks["status"].value_counts() if not tables.tasks.empty else {}
    active_docs = int((tables.documents["state"] == "active").sum()) if not tables.documents.empty else 0
    live = int(len(tables.tasks) - (counts.get("withdrawn", 0) if len(counts) else 0))
    cards = [{"key": "documents", "label": "Văn bản", "value": active_docs},
             {"key": "tasks", "label": "Nhiệm vụ", "value": live}]
    for key in ("overdue", "due_soon", "open", "no_deadline", "done"):
        cards.append({"key": key, "label": STATUS_LABELS[key], "value": int(counts.get(key, 0)) if len(counts) else 0})
    cards.append({"key": "units", "label": "Đơn vị", "value": len(unit_counts(tables))})
    return cards


def _task(t: dict[str, Any]) -> dict[str, Any]:
    due = t["next_due"]
    return {
        "id": t["task_id"], "status": t["status"], "units": list(t["unit_list"] or []), "lead": t["lead_unit"],
        "unitText": t["units"], "text": t["text"] or "", "due": _iso(due), "month": _iso(due)[:7] if due else None,
        "deadline": _iso(t["deadline"]), "deadlineText": t["deadline_text"], "recurrence": t["recurrence"],
        "doc": t["doc_id"], "blocks": list(t["blocks"] or []), "doneDate": _iso(t["done_date"]),
    }


def _doc(d: dict[str, Any]) -> dict[str, Any]:
    return {"number": d["number"], "type": d["doc_type"], "issuer": d["issuer"], "date": d["issue_date"],
            "subject": d["subject"], "source": d["source"], "state": d["state"], "body": list(d["body"] or [])}


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else ""
