"""`make bench`: bench.json has the documented shape (on tiny sets; no timing is asserted)."""
from __future__ import annotations

import json
import sys

import pytest

from pipeline import bench, synth

TINY = ["--repeat", "1", "--size", "txt=6", "--size", "docx=6", "--size", "pdf=0", "--size", "per_format=4",
        "--size", "sample=2", "--size", "small=2"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    assert bench.main(["--out", str(out), *TINY]) == 0
    return json.loads((out / "bench.json").read_text(encoding="utf-8")), out


def test_every_section_is_reported(report):
    data, _ = report
    assert {"version", "machine", "settings", "e2e", "stages", "startup", "rerun", "scaling", "peak_memory",
            "targets"} <= set(data)
    memory = data["peak_memory"]
    # PSS splits the pages forked workers share, so the tree's PSS is below its summed RSS and at
    # least the largest single process's share
    assert 0 < memory["pss_mb"] <= memory["summed_rss_mb"] and memory["largest_process_mb"] <= memory["summed_rss_mb"]
    assert {"cpu", "cores", "memory_mb", "os", "python", "load_average"} <= set(data["machine"])


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_end_to_end_figures_per_format_and_jobs(report, fmt):
    row = report[0]["e2e"][fmt]
    assert row["documents"] == 4 and row["pages"] >= 4
    for jobs in ("1", "2"):
        figures = row["jobs"][jobs]
        assert {"seconds", "runs", "cpu_seconds", "documents_per_s", "pages_per_s", "peak_rss_mb", "peak_pss_mb",
                "peak_process_mb"} <= set(figures)
        assert figures["seconds"] > 0 and figures["peak_rss_mb"] >= figures["peak_pss_mb"] > 0
    assert row["bare_parse_s"] > 0 and row["overhead_ratio"] > 0
    assert {"tasks_f1", "number"} <= set(row["accuracy"])


def test_stages_cover_the_whole_pipeline(report):
    row = report[0]["stages"]["txt"]
    assert set(row["ms_per_document"]) == set(bench.STAGES) == set(row["share"])
    assert abs(sum(row["share"].values()) - 1) < 0.01


def test_startup_rerun_and_scaling(report):
    data = report[0]
    assert {"seconds", "import_s", "rules_models_s", "first_document_s", "help_s"} <= set(data["startup"])
    assert data["rerun"]["documents"] == 2 * bench.SCALE and data["rerun"]["command"] in ("pipeline.ops.nightly", "congvan run")
    assert data["scaling"]["small"]["documents"] == 2 and data["scaling"]["large"]["documents"] == 2 * bench.SCALE
    assert data["scaling"]["ratio"] > 0


def test_targets_name_the_issue_bounds(report):
    targets = report[0]["targets"]
    assert len(targets) == len(bench.TARGETS)
    assert all(set(t) == {"target", "value", "met"} and t["met"] in (True, False, None) for t in targets)


def test_sets_are_cached_and_work_is_cleaned(report):
    _, out = report
    cache = out / "bench-cache" / f"v{synth.VERSION}-s0"
    assert synth.shard_info(cache / "txt" / "s000")["files"] == 6
    assert not (out / "bench-work").exists()


def test_the_table_is_printed(report, capsys):
    text = bench.render(report[0])
    assert "targets:" in text and "docx" in text and "startup" in text


def test_given_files_are_measured_in_process(tmp_path):
    d = synth.dispatch(9)
    path = tmp_path / f"{d.stem}.txt"
    path.write_text(d.text, encoding="utf-8")
    assert bench.main([str(path), "--out", str(tmp_path), "--repeat", "1", "--only", "stages"]) == 0
    data = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert data["stages"]["txt"]["documents"] == 1 and "rerun" not in data


def test_a_module_can_add_a_section(tmp_path, monkeypatch):
    (tmp_path / "bench_extra_section.py").write_text(
        "from pipeline.bench import section\n"
        "section('extra', lambda r: [f\"extra {r['n']}\"], synthetic_only=False)(lambda bench: {'n': 1})\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(bench, "SECTIONS", list(bench.SECTIONS))
    d = synth.dispatch(9)
    path = tmp_path / f"{d.stem}.txt"
    path.write_text(d.text, encoding="utf-8")
    assert bench.main([str(path), "--out", str(tmp_path), "--with", "bench_extra_section", "--only", "extra"]) == 0
    assert json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["extra"] == {"n": 1}
    sys.modules.pop("bench_extra_section", None)


def test_bad_options_are_one_clean_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        bench.main(["--out", str(tmp_path), "--size", "nope=3"])
    assert stop.value.code == 2 and "--size nope=3" in capsys.readouterr().err


def test_a_failing_section_is_recorded_and_the_others_still_run(tmp_path, monkeypatch):
    def broken(_):
        raise RuntimeError("pipeline run … exited -15: killed")

    monkeypatch.setattr(bench, "SECTIONS", list(bench.SECTIONS))
    bench.section("broken", lambda r: [], synthetic_only=False)(broken)
    d = synth.dispatch(9)
    path = tmp_path / f"{d.stem}.txt"
    path.write_text(d.text, encoding="utf-8")
    assert bench.main([str(path), "--out", str(tmp_path), "--repeat", "1", "--only", "stages,broken"]) == 0
    data = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert data["broken"] == {"error": "pipeline run … exited -15: killed"} and data["stages"]["txt"]["documents"] == 1
