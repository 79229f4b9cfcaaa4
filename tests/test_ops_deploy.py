"""The shipped cron line and systemd units run exactly the `nightly`/`watch` commands, with valid options."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from pipeline.ops import nightly, watch

from .conftest import ROOT

DEPLOY = ROOT / "deploy"
COMMAND = re.compile(r"(/\S*python) -m pipeline (nightly|watch)((?: [^>\n]+?)?)\s*(?:>>|$)", re.MULTILINE)


def commands(path: Path) -> list[tuple[str, str, list[str]]]:
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [(m.group(1), m.group(2), shlex.split(m.group(3))) for m in COMMAND.finditer("\n".join(lines))]


def test_cron_and_the_timer_run_the_same_nightly_command() -> None:
    cron = commands(DEPLOY / "congvan.cron")
    service = commands(DEPLOY / "congvan-nightly.service")
    assert len(cron) == 1 and cron == service
    python, command, args = cron[0]
    assert command == "nightly" and python.endswith("/.venv/bin/python")
    config, overrides = nightly.parse_args(args)
    assert config == "/etc/congvan/congvan.toml" and all(v is None for v in overrides.values())


def test_the_timer_starts_the_nightly_service() -> None:
    timer = (DEPLOY / "congvan-nightly.timer").read_text(encoding="utf-8")
    assert re.search(r"^OnCalendar=\S+", timer, re.MULTILINE) and "Persistent=true" in timer
    service = (DEPLOY / "congvan-nightly.service").read_text(encoding="utf-8")
    assert "Type=oneshot" in service and "SuccessExitStatus=1" in service


@pytest.mark.parametrize("unit", ["congvan-nightly.service", "congvan-watch.service"])
def test_a_stop_signals_only_the_main_process(unit: str) -> None:
    assert "KillMode=mixed" in (DEPLOY / unit).read_text(encoding="utf-8")


def test_the_watch_service_runs_the_watch_command() -> None:
    [(python, command, args)] = commands(DEPLOY / "congvan-watch.service")
    assert command == "watch" and python == commands(DEPLOY / "congvan.cron")[0][0]
    config, overrides = watch.parse_args(args)
    assert config == "/etc/congvan/congvan.toml" and overrides["inbox"] is None
