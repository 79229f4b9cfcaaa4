"""congvan.toml: every key read and checked; a bad one is named; the command line overrides the file."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.ops import nightly
from pipeline.ops.config import DEFAULT_IGNORE, load_config

from .conftest import ROOT

GOOD = """
inbox = "in"
out = "/srv/out"
database = "postgresql://user:pw@db.example/congvan"
today = 2024-03-15
gazetteer = "units.yaml"
school_calendar = "cal.yaml"
formats = ["xlsx", "csv"]
jobs = 3

[watch]
settle_seconds = 2.5
batch_size = 4
ignore = ["*.part"]

[nightly]
batch_size = 7
min_free_mb = 0
full = true
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    (tmp_path / "units.yaml").write_text("units: []\n", encoding="utf-8")
    (tmp_path / "cal.yaml").write_text("years: {}\n", encoding="utf-8")
    return tmp_path


def test_every_key_is_read(config_dir: Path) -> None:
    path = config_dir / "congvan.toml"
    path.write_text(GOOD, encoding="utf-8")
    cfg = load_config(path)
    assert cfg.inbox == config_dir / "in"  # relative to the file's folder
    assert cfg.out == Path("/srv/out")
    assert cfg.database == "postgresql://user:pw@db.example/congvan"
    assert cfg.today == date(2024, 3, 15)
    assert (cfg.gazetteer, cfg.school_calendar) == (config_dir / "units.yaml", config_dir / "cal.yaml")
    assert cfg.formats == ("xlsx", "csv") and cfg.jobs == 3
    assert (cfg.watch.settle_seconds, cfg.watch.batch_size, cfg.watch.ignore) == (2.5, 4, ("*.part",))
    assert (cfg.nightly.batch_size, cfg.nightly.min_free_mb, cfg.nightly.full) == (7, 0, True)
    assert cfg.source == str(path)


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONGVAN_CONFIG", raising=False)
    cfg = load_config()
    assert (cfg.inbox, cfg.out, cfg.database, cfg.today, cfg.jobs) == (None, Path("outputs"), None, None, 1)
    assert cfg.watch.ignore == DEFAULT_IGNORE and cfg.source == "defaults"


def test_found_in_the_current_folder_and_through_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONGVAN_CONFIG", raising=False)
    (tmp_path / "congvan.toml").write_text("jobs = 2\n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text("jobs = 5\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_config().jobs == 2
    monkeypatch.setenv("CONGVAN_CONFIG", str(other))
    assert load_config().jobs == 5


def test_the_command_line_overrides_the_file(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = config_dir / "congvan.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(config_dir)
    cfg = load_config(path, {"jobs": 1, "today": "2025-01-02", "out": "here", "watch.settle_seconds": 0,
                             "database": None})
    assert (cfg.jobs, cfg.today, cfg.out) == (1, date(2025, 1, 2), config_dir / "here")
    assert cfg.watch.settle_seconds == 0 and cfg.watch.batch_size == 4  # the rest of the section stays
    assert cfg.database == "postgresql://user:pw@db.example/congvan"  # None means "not given"


@pytest.mark.parametrize("text, message", [
    ("jobs = 0\n", "congvan.toml: jobs: must be ≥ 1, got 0"),
    ("jobs = \"two\"\n", "congvan.toml: jobs: must be an integer, got 'two'"),
    ("jobs = true\n", "congvan.toml: jobs: must be an integer, got True"),
    ("today = \"15/03/2024\"\n", "congvan.toml: today: must be a date YYYY-MM-DD, got '15/03/2024'"),
    ("today = 2024-03-15T10:00:00\n", "congvan.toml: today: must be a date YYYY-MM-DD"),
    ("formats = [\"xlsx\", \"docx\"]\n", "congvan.toml: formats: unknown format 'docx'"),
    ("gazetteer = \"missing.yaml\"\n", "congvan.toml: gazetteer: no such file"),
    ("database = \"://nowhere\"\n", "congvan.toml: database: not a valid database URL"),
    ("database = \"postgresql://u@h:port/db\"\n", "congvan.toml: database: not a valid database URL"),
    ("colour = \"blue\"\n", "congvan.toml: colour: unknown key"),
    ("[watch]\nsettle = 3\n", "congvan.toml: watch.settle: unknown key"),
    ("[watch]\nsettle_seconds = -1\n", "congvan.toml: watch.settle_seconds: must be ≥ 0, got -1"),
    ("[watch]\npoll_seconds = 0\n", "congvan.toml: watch.poll_seconds: must be > 0, got 0"),
    ("[watch]\nignore = \"*.part\"\n", "congvan.toml: watch.ignore: must be a list of file-name patterns"),
    ("[nightly]\nfull = \"yes\"\n", "congvan.toml: nightly.full: must be true or false, got 'yes'"),
    ("[other]\nx = 1\n", "congvan.toml: other: unknown key"),
    ("jobs = \n", "congvan.toml: not valid TOML"),
])
def test_a_bad_value_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "congvan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}"), str(caught.value)


def test_a_bad_flag_names_the_key() -> None:
    with pytest.raises(PipelineError, match=r"^command line: jobs: must be ≥ 1, got 0$"):
        load_config(None, {"jobs": 0})


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="nowhere.toml: configuration file not found"):
        load_config(tmp_path / "nowhere.toml")


def test_nightly_exits_2_with_one_line_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "congvan.toml"
    path.write_text(f'inbox = "{tmp_path}"\n[nightly]\nbatch_size = "many"\n', encoding="utf-8")
    assert nightly.main(["--config", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == f"congvan: {path}: nightly.batch_size: must be an integer, got 'many'\n"
    assert not (tmp_path / "out").exists()  # nothing was written


def test_a_configured_gazetteer_replaces_the_bundled_one(config_dir: Path) -> None:
    """In a fresh process, as nightly runs: the configured file is the one read (a broken one is named)."""
    import subprocess
    import sys

    broken = config_dir / "units.yaml"
    broken.write_text("units: [\n", encoding="utf-8")  # not YAML: the error must name this file
    (config_dir / "cv.txt").write_text((ROOT / "corpus" / "haugiang-24-sgddt-vp.txt").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    path = config_dir / "congvan.toml"
    path.write_text(f'inbox = "{config_dir}"\nout = "out"\ngazetteer = "units.yaml"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.ops.nightly", "--config", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert str(broken) in proc.stderr and "not valid YAML" in proc.stderr


def test_configured_formats_limit_the_exports(tmp_path: Path) -> None:
    from pipeline.batch import run_batch

    source = tmp_path / "in.txt"
    source.write_text((ROOT / "corpus" / "haugiang-24-sgddt-vp.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(source)], out, formats=["csv"])
    written = {p.name for p in out.iterdir()}
    assert {"tasks.csv", "obligations.csv", "documents.csv"} <= written
    assert not written & {"register.xlsx", "report.html", "documents.jsonl", "calendar", "tasks.parquet"}


def test_the_example_config_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_config(ROOT / "congvan.toml.example")
    assert cfg.inbox == Path("/srv/congvan/inbox") and cfg.jobs == 2 and cfg.watch.settle_seconds == 5
