"""Sample dispatches for the register's tests: real files on disk, annotated by a stand-in stage.

Until the structure and task stages fill `doc.frame` and `doc.tasks`, the register is tested on
three dispatches written here as files and ingested for real, then annotated by `annotate` (a stage
that fills frame and tasks from the tables below, finding each task's block by its anchor text).
`run_samples` puts them through `run_batch`, so the whole path (ingest, stages, store, exports) runs.
The module also checks that the samples themselves keep to the model's vocabularies.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Optional

import pytest

from pipeline import run as run_module
from pipeline.batch import RunSummary, run_batch
from pipeline.model import RECURRENCES, ROLES, Assignee, Document, Frame, Recipient, Reference, Task

TODAY = date(2024, 11, 20)
EVIL_FORMULA = '=HYPERLINK("http://evil.example/","Bấm vào đây")'
EVIL_SCRIPT = "<script>window.__pwned=1</script>"
EVIL_IMG = '<img src=x onerror="window.__pwned=2">'

TEXTS = {
    "sgddt-24.txt": """UBND TỈNH HẬU GIANG
SỞ GIÁO DỤC VÀ ĐÀO TẠO

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 24/SGDĐT-VP
V/v khắc phục bệnh thành tích trong giáo dục

Hậu Giang, ngày 04 tháng 10 năm 2024

Kính gửi: Phòng GD&ĐT các huyện, thị xã, thành phố.

Thực hiện Công văn số 6122/BGDĐT-TĐKT ngày 28/9/2024 của Bộ Giáo dục và Đào tạo, Sở Giáo dục và Đào tạo đề nghị các đơn vị thực hiện các nội dung sau:

1. Phòng GD&ĐT huyện Vũ Quang chủ trì, phối hợp với Công đoàn Giáo dục tỉnh rà soát, sửa đổi, bổ sung quy chế thi đua, khen thưởng; hoàn thành trước ngày 10/11/2024.

2. Phòng GD&ĐT huyện Vũ Quang tổng hợp danh sách điển hình tiên tiến, gửi về Sở trước ngày 25/11/2024.

3. Định kỳ trước ngày 25 hằng tháng, các đơn vị báo cáo kết quả thực hiện về Sở (qua Văn phòng Sở).

4. Các trường THPT tăng cường tuyên truyền, phổ biến các gương điển hình tiên tiến.

Nơi nhận:
- Như trên;
- Lưu: VT, VP.

GIÁM ĐỐC
Nguyễn Hoài Thúy Hằng
""",
    "ubnd-1351.txt": """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

Số: 1351/KH-UBND

Quảng Ngãi, ngày 01 tháng 10 năm 2024

KẾ HOẠCH
Triển khai chuyển đổi số trong ngành giáo dục năm 2024

Căn cứ Quyết định số 1234/QĐ-UBND ngày 15/8/2024 của UBND tỉnh về chuyển đổi số;

1. Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Tài chính xây dựng dự toán kinh phí, trình UBND tỉnh trước 17 giờ 00 ngày 31/12/2024.

2. Định kỳ cuối mỗi quý, Sở Giáo dục và Đào tạo báo cáo tiến độ thực hiện Kế hoạch về UBND tỉnh.

3. Sở Thông tin và Truyền thông hướng dẫn các đơn vị triển khai phần mềm quản lý; đợt 1 trước ngày 05/11/2024, đợt 2 trước ngày 15/12/2024.

Nơi nhận:
- Sở GD&ĐT;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Phước Hiền
""",
    "pgddt-7-hostile.txt": f"""PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN TAM ĐƯỜNG

Số: 7/PGDĐT
V/v {EVIL_FORMULA}

Tam Đường, ngày 15 tháng 11 năm 2024

1. {EVIL_FORMULA} {EVIL_SCRIPT} các trường nộp báo cáo trước ngày 22/11/2024.

2. {EVIL_IMG} @SUM(1+1) kiểm tra hồ sơ học sinh.

Nơi nhận:
- Lưu: VT.
""",
}


@dataclass
class SampleTask:
    seq: str
    anchor: str  # words of the task's block, to find its block id
    assignees: list[tuple[str, str, Optional[str]]]  # (name, role, unit_id)
    deadline: Optional[str] = None
    deadline_text: Optional[str] = None
    deadline_time: Optional[str] = None
    recurrence: Optional[str] = None
    rrule: Optional[str] = None
    milestones: tuple[str, ...] = ()
    text: Optional[str] = None  # default: the block's text without its number


FRAMES = {
    "sgddt-24": Frame(
        number="24/SGDĐT-VP", doc_type="Công văn", issuer="Sở Giáo dục và Đào tạo", issuer_parent="UBND tỉnh Hậu Giang",
        place="Hậu Giang", issue_date="2024-10-04", subject="khắc phục bệnh thành tích trong giáo dục",
        addressees=["Phòng GD&ĐT các huyện, thị xã, thành phố"],
        recipients=[Recipient("Như trên", kind="as_above"), Recipient("Lưu: VT, VP", kind="archive")],
        signer_title="Giám đốc", signer_name="Nguyễn Hoài Thúy Hằng",
        references=[Reference(number="6122/BGDĐT-TĐKT", type="Công văn", date="2024-09-28",
                              issuer="Bộ Giáo dục và Đào tạo", relation="implements")]),
    "ubnd-1351": Frame(
        number="1351/KH-UBND", doc_type="Kế hoạch", issuer="Ủy ban nhân dân tỉnh Quảng Ngãi", place="Quảng Ngãi",
        issue_date="2024-10-01", subject="Triển khai chuyển đổi số trong ngành giáo dục năm 2024",
        recipients=[Recipient("Sở GD&ĐT", purpose="để thực hiện"), Recipient("Lưu: VT", kind="archive")],
        signer_title="Phó Chủ tịch", signer_authority="KT.", signer_name="Trần Phước Hiền",
        references=[Reference(number="1234/QĐ-UBND", type="Quyết định", date="2024-08-15", relation="based_on")]),
    "pgddt-7-hostile": Frame(
        number="7/PGDĐT", doc_type="Công văn", issuer="Phòng Giáo dục và Đào tạo huyện Tam Đường",
        place="Tam Đường", issue_date="2024-11-15", subject=EVIL_FORMULA),
}

TASKS = {
    "sgddt-24": [
        SampleTask("1", "rà soát, sửa đổi", [("Phòng GD&ĐT huyện Vũ Quang", "chủ trì", None),
                                              ("Công đoàn Giáo dục tỉnh", "phối hợp", None)],
                   deadline="2024-11-10", deadline_text="trước ngày 10/11/2024"),
        SampleTask("2", "tổng hợp danh sách", [("Phòng GD&ĐT huyện Vũ Quang", "thực hiện", None)],
                   deadline="2024-11-25", deadline_text="trước ngày 25/11/2024"),
        SampleTask("3", "Định kỳ trước ngày 25", [("Phòng GD&ĐT các huyện, thị xã, thành phố", "thực hiện", None)],
                   deadline="2024-01-25", deadline_text="trước ngày 25 hằng tháng", recurrence="monthly",
                   rrule="FREQ=MONTHLY;BYMONTHDAY=25"),
        SampleTask("4", "tăng cường tuyên truyền", [("Các trường THPT", "thực hiện", None)]),
    ],
    "ubnd-1351": [
        SampleTask("1", "xây dựng dự toán", [("Sở Giáo dục và Đào tạo", "chủ trì", "so-gddt"),
                                             ("Sở Tài chính", "phối hợp", "so-tc")],
                   deadline="2024-12-31", deadline_time="17:00", deadline_text="trước 17 giờ 00 ngày 31/12/2024"),
        SampleTask("2", "cuối mỗi quý", [("Sở Giáo dục và Đào tạo", "thực hiện", "so-gddt")],
                   deadline="2024-03-31", deadline_text="cuối mỗi quý", recurrence="quarterly"),
        SampleTask("3", "phần mềm quản lý", [("Sở Thông tin và Truyền thông", "thực hiện", "so-tttt")],
                   deadline="2024-11-05", deadline_text="đợt 1 trước ngày 05/11/2024, đợt 2 trước ngày 15/12/2024",
                   milestones=("2024-11-05", "2024-12-15")),
    ],
    "pgddt-7-hostile": [
        SampleTask("1", "nộp báo cáo", [(f"+Trường THCS {EVIL_SCRIPT}", "thực hiện", None)],
                   deadline="2024-11-22", deadline_text="trước ngày 22/11/2024",
                   text=f"{EVIL_FORMULA} {EVIL_SCRIPT} các trường nộp báo cáo trước ngày 22/11/2024."),
        SampleTask("2", "kiểm tra hồ sơ", [("@SUM(1+1)", "thực hiện", None)],
                   text=f"-{EVIL_IMG} @SUM(1+1) kiểm tra hồ sơ học sinh."),
    ],
}

# Expected figures for TODAY, derived by hand from the tables above.
EXPECTED_STATUS = {
    "sgddt-24": ["overdue", "due_soon", "due_soon", "no_deadline"],
    "ubnd-1351": ["open", "open", "open"],
    "pgddt-7-hostile": ["due_soon", "no_deadline"],
}
EXPECTED_NEXT_DUE = {
    "sgddt-24": [date(2024, 11, 10), date(2024, 11, 25), date(2024, 11, 25), None],
    "ubnd-1351": [date(2024, 12, 31), date(2024, 12, 31), date(2024, 12, 15)],
    "pgddt-7-hostile": [date(2024, 11, 22), None],
}
TASK_COUNT = sum(len(v) for v in TASKS.values())
OBLIGATION_COUNT = sum(len(t.assignees) for v in TASKS.values() for t in v)


def annotate(doc: Document) -> Document:
    """A stand-in for the structure and task stages: fills frame and tasks for the sample files."""
    stem = Path(doc.source.path).stem
    if stem not in FRAMES:
        return doc
    doc.frame = copy.deepcopy(FRAMES[stem])
    doc.tasks = [_task(doc, stem, i, t) for i, t in enumerate(TASKS[stem])]
    return doc


def _task(doc: Document, stem: str, index: int, spec: SampleTask) -> Task:
    block = next(b for b in doc.blocks if spec.anchor in b.text)
    text = spec.text or block.text.split(". ", 1)[1]
    return Task(task_id=f"{doc.doc_id}-{spec.seq}", seq=spec.seq, text=text, section=None, action=None,
                assignees=[Assignee(name=n, role=r, unit_id=u) for n, r, u in spec.assignees],
                deadline=spec.deadline, deadline_text=spec.deadline_text, deadline_time=spec.deadline_time,
                recurrence=spec.recurrence, rrule=spec.rrule, milestones=list(spec.milestones),
                blocks=[block.id], page=block.page, confidence=0.9)


def write_samples(folder: Path, names: Optional[list[str]] = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TEXTS.items():
        if names is None or name in names:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_samples(monkeypatch: Any, inputs: list[Path], out: Path, today: date = TODAY, **kwargs: Any) -> RunSummary:
    """run_batch over the inputs with `annotate` as the only stage."""
    monkeypatch.setattr(run_module, "stages", lambda: [annotate])
    return run_batch([str(p) for p in inputs], out, today=today, **kwargs)


# The samples keep to the model's vocabularies, and their expectations cover every task.

@pytest.mark.parametrize("stem", sorted(TASKS))
def test_samples_use_the_models_vocabularies(stem):
    for spec in TASKS[stem]:
        assert all(role in ROLES for _, role, _ in spec.assignees)
        assert spec.recurrence is None or spec.recurrence in RECURRENCES
        assert any(spec.anchor in line for line in TEXTS[f"{stem}.txt"].splitlines())
    assert len(EXPECTED_STATUS[stem]) == len(TASKS[stem]) == len(EXPECTED_NEXT_DUE[stem])


def test_annotate_finds_each_tasks_block(tmp_path):
    from pipeline.ingest import ingest

    folder = write_samples(tmp_path)
    doc = annotate(ingest(str(folder / "sgddt-24.txt")))
    assert [t.seq for t in doc.tasks] == ["1", "2", "3", "4"]
    assert doc.blocks[doc.tasks[0].blocks[0]].text.startswith("1. Phòng GD&ĐT huyện Vũ Quang chủ trì")
    assert doc.tasks[0].text.startswith("Phòng GD&ĐT huyện Vũ Quang chủ trì")


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    """The three samples run once through run_batch; the output folder (shared: do not modify)."""
    base = tmp_path_factory.mktemp("register")
    folder = write_samples(base / "in")
    with pytest.MonkeyPatch.context() as mp:
        summary = run_samples(mp, [folder], base / "out")
    assert summary.ok == 3 and summary.tasks == TASK_COUNT
    return base / "out"
