"""report.html without a browser: one offline file, untrusted text escaped, data complete."""
from __future__ import annotations

import base64
import hashlib
import json
import re

from pipeline.register.report import script_json

from . import test_register_fixtures as F
from .test_register_fixtures import sample_out  # noqa: F401 - a fixture


def page(sample_out) -> str:
    return (sample_out / "report.html").read_text(encoding="utf-8")


def embedded(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="register-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw)


def test_the_report_is_self_contained(sample_out):
    html = page(sample_out)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # the browser may fetch nothing at all
    # the page's own script and data, its stylesheet and the cascade section's scoped style: all inline
    assert html.count("<script") == 2 and html.count("<style>") == 2 and "<link" not in html


def test_only_the_reports_own_script_may_run(sample_out):
    html = page(sample_out)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == f"'sha256-{digest}'"  # no 'unsafe-inline' for scripts


def test_untrusted_text_is_escaped(sample_out):
    html = page(sample_out)
    assert F.EVIL_SCRIPT not in html and F.EVIL_IMG not in html and "</script> " not in html
    assert "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e" in html
    data = embedded(html)
    assert any(F.EVIL_SCRIPT in t["text"] for t in data["tasks"])  # kept as text, not dropped


def test_script_json_cannot_close_its_element():
    text = script_json({"a": "</script><script>alert(1)</script>", "b": "x\u2028y & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "x\u2028y & <!--"}


def test_the_embedded_data_is_complete(sample_out):
    data = embedded(page(sample_out))
    assert data["today"] == "2024-11-20" and data["soonDays"] == 7
    assert len(data["tasks"]) == F.TASK_COUNT and len(data["docs"]) == 3
    cards = {c["key"]: c["value"] for c in data["headline"]}
    assert cards == {"documents": 3, "tasks": 9, "overdue": 1, "due_soon": 3, "open": 3, "no_deadline": 2, "done": 0,
                     "units": 9}
    task = next(t for t in data["tasks"] if t["status"] == "overdue")
    body = data["docs"][task["doc"]]["body"]
    assert task["blocks"] and task["text"] in body[task["blocks"][0]]  # its source sentence, to highlight
    assert task["month"] == "2024-11" and task["units"] == ["Phòng GD&ĐT huyện Vũ Quang", "Công đoàn Giáo dục tỉnh"]
