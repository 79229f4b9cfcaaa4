"""report.html in real headless Chromium (Debian chromium + chromium-driver, driven by selenium).

It must render the whole task table, filter it by unit and status, sort it, show a task's source
highlighted, and run none of the untrusted text. A screenshot is kept in outputs/ for reviewers.
"""
from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from . import test_register_fixtures as F
from .conftest import ROOT
from .test_register_fixtures import sample_out  # noqa: F401 - a fixture

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = ROOT / "outputs" / "report-screenshot.png"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1400,2200")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: `make setup` installs the Debian packages chromium and chromium-driver")
    profile = tempfile.mkdtemp(prefix="congvan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def report(browser, sample_out):
    browser.get((sample_out / "report.html").as_uri())
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("data-ready") == "1")
    return browser


def rows(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, "#tasks tbody tr")


def ids(driver) -> list[str]:
    return [r.get_attribute("data-task-id") for r in rows(driver)]


def expected_ids(sample_out, unit: str) -> set[str]:
    with open(sample_out / "obligations.csv", encoding="utf-8-sig", newline="") as handle:
        return {r["task_id"] for r in csv.DictReader(handle) if r["unit"] == unit}


def test_renders_the_full_task_table(report):
    assert len(rows(report)) == F.TASK_COUNT
    assert report.find_element(By.ID, "count").text == f"{F.TASK_COUNT} / {F.TASK_COUNT} nhiệm vụ"
    first = rows(report)[0]
    assert "Quá hạn" in first.text and "10/11/2024" in first.text and "s-overdue" in first.get_attribute("class")
    cards = report.find_elements(By.CSS_SELECTOR, "#headline .card")
    assert [c.get_attribute("data-key") for c in cards][:3] == ["documents", "tasks", "overdue"]
    assert len(report.find_elements(By.CSS_SELECTOR, "#timeline rect")) >= 2
    assert len(report.find_elements(By.CSS_SELECTOR, "#units tbody tr")) == 9


@pytest.mark.parametrize("unit", ["Phòng GD&ĐT huyện Vũ Quang", "so-gddt", "Các trường THPT"])
def test_a_unit_filter_reduces_the_rows(report, sample_out, unit):
    Select(report.find_element(By.ID, "f-unit")).select_by_value(unit)
    wanted = expected_ids(sample_out, unit)
    assert 0 < len(wanted) < F.TASK_COUNT
    assert set(ids(report)) == wanted and len(ids(report)) == len(wanted)
    assert report.find_element(By.ID, "count").text == f"{len(wanted)} / {F.TASK_COUNT} nhiệm vụ"


def test_filters_combine_and_reset(report):
    Select(report.find_element(By.ID, "f-unit")).select_by_value("Phòng GD&ĐT huyện Vũ Quang")
    Select(report.find_element(By.ID, "f-status")).select_by_value("overdue")
    assert len(rows(report)) == 1
    report.find_element(By.ID, "f-reset").click()
    assert len(rows(report)) == F.TASK_COUNT
    report.find_element(By.ID, "f-q").send_keys("phan mem quan ly")  # without diacritics still finds it
    assert len(rows(report)) == 1 and "phần mềm quản lý" in rows(report)[0].text


def test_month_and_document_filters(report, sample_out):
    in_november = [d for dues in F.EXPECTED_NEXT_DUE.values() for d in dues if d and d.strftime("%Y-%m") == "2024-11"]
    Select(report.find_element(By.ID, "f-month")).select_by_value("2024-11")
    assert len(rows(report)) == len(in_november) == 4
    Select(report.find_element(By.ID, "f-month")).select_by_value("none")
    assert len(rows(report)) == sum(d is None for dues in F.EXPECTED_NEXT_DUE.values() for d in dues)
    report.find_element(By.ID, "f-reset").click()
    Select(report.find_element(By.ID, "f-doc")).select_by_visible_text("1351/KH-UBND")
    assert len(rows(report)) == len(F.TASKS["ubnd-1351"])
    assert all("1351/KH-UBND" in r.text for r in rows(report))


def test_a_unit_row_filters_the_tasks(report, sample_out):
    unit_row = next(r for r in report.find_elements(By.CSS_SELECTOR, "#units tbody tr")
                    if r.get_attribute("data-unit") == "so-gddt")
    unit_row.click()
    assert set(ids(report)) == expected_ids(sample_out, "so-gddt")


def test_the_table_sorts_by_a_column(report):
    header = report.find_element(By.CSS_SELECTOR, '#tasks th[data-sort="id"]')
    header.click()
    assert ids(report) == sorted(ids(report))
    header.click()
    assert ids(report) == sorted(ids(report), reverse=True)


def test_a_task_shows_its_source_highlighted(report):
    rows(report)[0].click()
    viewer = report.find_element(By.ID, "viewer")
    assert viewer.is_displayed()
    marked = report.find_elements(By.CSS_SELECTOR, "#v-body p.source mark")
    assert len(marked) == 1 and marked[0].text.startswith("Phòng GD&ĐT huyện Vũ Quang chủ trì")
    paragraph = report.find_element(By.CSS_SELECTOR, "#v-body p.source").text
    assert paragraph.startswith("1. ") and "24/SGDĐT-VP" in report.find_element(By.ID, "v-meta").text


def test_untrusted_text_stays_text(report):
    hostile = [r for r in rows(report) if "<script>" in r.text]
    assert hostile and F.EVIL_FORMULA in hostile[0].text
    hostile[0].click()
    assert report.execute_script("return window.__pwned === undefined")
    assert not report.find_elements(By.CSS_SELECTOR, "#tasks script, #tasks img, #v-body script, #v-body img")


def test_screenshot_for_reviewers(report):
    Select(report.find_element(By.ID, "f-unit")).select_by_value("Phòng GD&ĐT huyện Vũ Quang")
    rows(report)[0].click()
    report.execute_script("window.scrollTo(0, 0)")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert report.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
