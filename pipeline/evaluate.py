"""`make eval`: score a run's documents.jsonl against corpus/gold, per rendering and overall.

The scoring rules are the reference scorer's (GUIDE.md format): texts compared after NFC,
lower-casing, punctuation removed and whitespace collapsed; `number` without spaces or slashes,
case-insensitive; issuer and subject right at token-F1 >= 0.8; addressees and recipients matched
one-to-one at token-F1 >= 0.6; references by number, then date; a gold task matches the first free
predicted task starting with its anchor, else containing it; assignees at token-F1 >= 0.5.
Each rendering (.txt, .docx, .pdf, ...) of a document is scored against the gold of its stem.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HEADER = ("number", "doc_type", "issue_date", "place", "issuer", "subject", "signer_name", "signer_title")
ENUM = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?\)?|[a-zđ]\)|[-+•*–])\s*", re.I)
PUNCT = re.compile(r"[\"“”'‘’.,;:!?()\[\]…]")


def norm(value) -> str:
    if value is None:
        return ""
    text = PUNCT.sub(" ", unicodedata.normalize("NFC", str(value)).lower())
    return re.sub(r"\s+", " ", text).strip()


def token_f1(a, b) -> float:
    ta, tb = norm(a).split(), norm(b).split()
    if not ta or not tb:
        return 1.0 if ta == tb else 0.0
    pool, common = list(tb), 0
    for t in ta:
        if t in pool:
            pool.remove(t)
            common += 1
    if not common:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def number_key(value) -> str:
    return re.sub(r"[\s/]+", "", unicodedata.normalize("NFC", str(value or ""))).upper()


def names(items) -> list[str]:
    out = []
    for x in items or []:
        if isinstance(x, dict):
            x = x.get("name") or x.get("unit") or x.get("text") or ""
        out.append(str(x))
    return out


def list_match(pred, gold, threshold=0.6) -> tuple[int, int, int]:
    used, matched = set(), 0
    for g in gold:
        best, pick = 0.0, None
        for i, p in enumerate(pred):
            if i not in used and (s := token_f1(p, g)) > best:
                best, pick = s, i
        if pick is not None and best >= threshold:
            used.add(pick)
            matched += 1
    return matched, len(pred), len(gold)


def strip_enum(text) -> str:
    text = norm(text)
    for _ in range(3):
        stripped = ENUM.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def match_tasks(pred, gold) -> list[tuple[dict, dict]]:
    texts = [strip_enum(p.get("text", "")) for p in pred]
    used, pairs = set(), []
    for g in gold:
        anchor = strip_enum(g["anchor"])
        if not anchor:
            continue
        pick = next((i for i, t in enumerate(texts) if i not in used and t.startswith(anchor)), None)
        if pick is None:
            pick = next((i for i, t in enumerate(texts) if i not in used and anchor in t), None)
        if pick is not None:
            used.add(pick)
            pairs.append((pred[pick], g))
    return pairs


class Scores:
    """Accumulates rates, precision/recall counts and the misses of one group of documents."""

    def __init__(self) -> None:
        self.rates: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.misses: list[tuple[str, str, object, object]] = []

    def rate(self, key: str, value: float) -> None:
        self.rates[key][0] += value
        self.rates[key][1] += 1

    def count(self, key: str, matched: int, predicted: int, gold: int) -> None:
        for i, v in enumerate((matched, predicted, gold)):
            self.counts[key][i] += v

    def table(self) -> dict[str, float]:
        out = {k: (s / n if n else float("nan")) for k, (s, n) in self.rates.items()}
        for k, (m, p, g) in self.counts.items():
            if not p and not g:  # nothing expected and nothing found: no figure, rather than a zero
                out[f"{k}_p"] = out[f"{k}_r"] = out[f"{k}_f1"] = float("nan")
                continue
            prec, rec = (m / p if p else 0.0), (m / g if g else 0.0)
            out[f"{k}_p"], out[f"{k}_r"] = prec, rec
            out[f"{k}_f1"] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return out


def score_document(pred: dict, gold: dict, scores: Scores, label: str) -> None:
    same = {
        "number": number_key(pred.get("number")) == number_key(gold.get("number")),
        "doc_type": norm(pred.get("doc_type")) == norm(gold.get("doc_type")),
        "issue_date": str(pred.get("issue_date") or "") == str(gold.get("issue_date") or ""),
        "place": norm(pred.get("place")) == norm(gold.get("place")),
        "issuer": token_f1(pred.get("issuer"), gold.get("issuer")) >= 0.8,
        "subject": token_f1(pred.get("subject"), gold.get("subject")) >= 0.8,
        "signer_name": norm(pred.get("signer_name")) == norm(gold.get("signer_name")),
        "signer_title": norm(pred.get("signer_title")) == norm(gold.get("signer_title")),
    }
    for key, ok in same.items():
        scores.rate(key, float(ok))
        if not ok:
            scores.misses.append((label, key, gold.get(key), pred.get(key)))
    for key in ("addressees", "recipients"):
        got, want = names(pred.get(key)), gold.get(key) or []
        result = list_match(got, want)
        scores.count(key, *result)
        if result[0] < max(result[1], result[2]):
            scores.misses.append((label, key, want, got))
    score_references(pred, gold, scores, label)
    score_tasks(pred, gold, scores, label)


def unique_refs(refs) -> list[dict]:
    seen, out = set(), []
    for r in refs:
        key = (number_key(r.get("number")), str(r.get("date") or ""))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def score_references(pred: dict, gold: dict, scores: Scores, label: str) -> None:
    preds = unique_refs(r for r in pred.get("references") or [] if isinstance(r, dict))
    golds = unique_refs(gold.get("references") or [])
    used = set()
    for r in golds:
        key, date = number_key(r.get("number")), str(r.get("date") or "")
        cands = [i for i, p in enumerate(preds) if i not in used and number_key(p.get("number")) == key]
        if not cands:
            scores.misses.append((label, "references (missed)", r.get("number"), None))
            continue
        pick = ([i for i in cands if str(preds[i].get("date") or "") == date] or cands)[0]
        used.add(pick)
        ok = str(preds[pick].get("date") or "") == date
        scores.rate("reference_date", float(ok))
        if not ok:
            scores.misses.append((label, "reference_date", f"{r.get('number')} {date}", preds[pick].get("date")))
    for i, p in enumerate(preds):
        if i not in used:
            scores.misses.append((label, "references (extra)", None, p.get("number")))
    scores.count("references", len(used), len(preds), len(golds))


def score_tasks(pred: dict, gold: dict, scores: Scores, label: str) -> None:
    ptasks, gtasks = pred.get("tasks") or [], gold.get("tasks") or []
    pairs = match_tasks(ptasks, gtasks)
    scores.count("tasks", len(pairs), len(ptasks), len(gtasks))
    matched_anchors = {id(g) for _, g in pairs}
    for g in gtasks:
        if id(g) not in matched_anchors:
            scores.misses.append((label, "task (missed)", g["anchor"], None))
    matched_texts = {id(p) for p, _ in pairs}
    for p in ptasks:
        if id(p) not in matched_texts:
            scores.misses.append((label, "task (extra)", None, (p.get("text") or "")[:70]))
    for p, g in pairs:
        ok = str(p.get("deadline") or "") == str(g.get("deadline") or "")
        scores.rate("task_deadline", float(ok))
        if g.get("deadline"):
            scores.rate("task_deadline_dated", float(ok))
        if not ok:
            scores.misses.append((label, "task_deadline", f"{g['anchor'][:40]}: {g.get('deadline')}", p.get("deadline")))
        rec_ok = norm(p.get("recurrence")) == norm(g.get("recurrence"))
        scores.rate("task_recurrence", float(rec_ok))
        if not rec_ok:
            scores.misses.append((label, "task_recurrence", g.get("recurrence"), p.get("recurrence")))
        m, n_pred, n_gold = list_match(names(p.get("assignees")), g.get("assignees") or [], threshold=0.5)
        scores.rate("task_assignee", (2 * m / (n_pred + n_gold)) if (n_pred + n_gold) else 1.0)
        if m < max(n_pred, n_gold):
            scores.misses.append((label, "task_assignee", g.get("assignees"), names(p.get("assignees"))))


def _group(source: Path) -> str:
    """The rendering a file belongs to: its extension, or folder/extension for a derived set (scans/pdf)."""
    fmt = source.suffix.lstrip(".").lower() or "?"
    return fmt if source.parent.name in ("corpus", "") else f"{source.parent.name}/{fmt}"


def load_run(path: Path) -> list[dict]:
    if path.is_dir():
        path = path / "documents.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(run: Path, gold_dir: Path) -> dict[str, Scores]:
    """Scores per rendering (by file extension) and over all renderings ("all")."""
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))}
    groups: dict[str, Scores] = defaultdict(Scores)
    seen: dict[str, set] = defaultdict(set)
    for pred in load_run(run):
        source = Path(str(pred.get("source", "")))
        gold = golds.get(source.stem)
        if gold is None:
            continue
        fmt = _group(source)
        for group in (fmt, "all"):
            score_document(pred, gold, groups[group], f"{source.stem}.{fmt}")
        seen[fmt].add(source.stem)
    root = set().union(*(stems for fmt, stems in seen.items() if "/" not in fmt))
    for fmt, stems in seen.items():
        missing = set() if "/" in fmt else root - stems  # a derived set (scans/pdf) covers a few documents
        for stem in sorted(missing):
            for group in (fmt, "all"):
                groups[group].rate("documents_found", 0.0)
            groups[fmt].misses.append((f"{stem}.{fmt}", "document", "present", "missing"))
        for _ in stems:
            for group in (fmt, "all"):
                groups[group].rate("documents_found", 1.0)
    return dict(groups)


ROWS = ("documents_found", *HEADER, "addressees_f1", "recipients_f1", "references_f1", "reference_date",
        "tasks_p", "tasks_r", "tasks_f1", "task_deadline", "task_deadline_dated", "task_recurrence",
        "task_assignee")


def render(groups: dict[str, Scores]) -> str:
    order = [g for g in ("txt", "docx", "pdf") if g in groups] + sorted(set(groups) - {"txt", "docx", "pdf", "all"}) + ["all"]
    tables = {g: groups[g].table() for g in order if g in groups}
    width = max(9, *(len(g) + 2 for g in tables))
    lines = [f"{'metric':22s}" + "".join(f"{g:>{width}s}" for g in tables)]
    for row in ROWS:
        cells = "".join(f"{tables[g].get(row, float('nan')):{width}.3f}" for g in tables)
        lines.append(f"{row:22s}{cells}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print("usage: python -m pipeline.evaluate RUN_DIR_OR_JSONL GOLD_DIR [--misses] [--json]", file=sys.stderr)
        return 2
    groups = evaluate(Path(args[0]), Path(args[1]))
    if "--json" in argv:
        print(json.dumps({g: s.table() for g, s in groups.items()}, indent=1, ensure_ascii=False))
        return 0
    print(render(groups))
    if "all" in groups and ("--misses" in argv or "--quiet" not in argv):
        print(f"\nmisses ({len(groups['all'].misses)}):")
        for label, key, want, got in groups["all"].misses:
            print(f"  {label:38s} {key:20s} expected={want!r} got={got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
