"""Golden test: the tasks of every corpus document, per rendering, scored against corpus/gold.

Scored with the project's evaluator (pipeline/evaluate.py), which follows the reference scorer:
a gold task matches the first free predicted task starting with its anchor (numbering stripped,
text normalised), else containing it; assignees match one to one at token F1 >= 0.5. The targets
are the project's: task F1 >= 0.90, deadline and recurrence accuracy >= 0.95, assignee F1 >= 0.85.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.evaluate import Scores, score_tasks
from pipeline.ingest import ingest
from pipeline.structure import structure
from pipeline.tasks import extract_tasks

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GOLD = CORPUS / "gold"
RENDERINGS = [ext for ext in ("txt", "docx", "pdf")
              if any((CORPUS / f"{p.stem}.{ext}").exists() for p in GOLD.glob("*.json"))]
TARGETS = {"tasks_f1": 0.90, "task_deadline": 0.95, "task_recurrence": 0.95, "task_assignee": 0.85}


def _predicted(path: Path) -> dict:
    doc = extract_tasks(structure(ingest(path)))
    return {"tasks": [{"text": t.text, "assignees": [{"name": a.name} for a in t.assignees],
                       "deadline": t.deadline, "recurrence": t.recurrence} for t in doc.tasks]}


@lru_cache(maxsize=None)
def _scores(ext: str) -> dict[str, float]:
    scores = Scores()
    for gold_path in sorted(GOLD.glob("*.json")):
        path = CORPUS / f"{gold_path.stem}.{ext}"
        if path.exists():
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            score_tasks(_predicted(path), gold, scores, gold_path.stem)
    return scores.table()


@pytest.mark.parametrize("ext", RENDERINGS)
@pytest.mark.parametrize("metric", sorted(TARGETS))
def test_corpus_tasks_meet_the_targets(ext, metric):
    assert _scores(ext)[metric] >= TARGETS[metric]


@pytest.mark.parametrize("stem", sorted(p.stem for p in GOLD.glob("*.json") if (CORPUS / f"{p.stem}.txt").exists()))
def test_every_document_with_gold_tasks_yields_tasks(stem):
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    tasks = _predicted(CORPUS / f"{stem}.txt")["tasks"]
    assert bool(tasks) == bool(gold["tasks"])
