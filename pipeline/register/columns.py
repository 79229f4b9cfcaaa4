"""The field lists of the register: one list per table fixes column order, English key and Vietnamese header.

Every exporter (CSV, Parquet, XLSX, HTML, the query CLI) takes its columns from here, so a column is
added, renamed or moved in one place. `kind` tells the exporters how to format a value:
"text" (short), "long" (wrapped), "date" (a real date), "int", "float", "list" (joined with "; ").
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese, for clerks (XLSX, report)
    kind: str = "text"


# Task status codes (English keys in CSV/JSON) and their labels for clerks.
STATUS_LABELS = {
    "overdue": "Quá hạn",
    "due_soon": "Sắp đến hạn",
    "open": "Còn hạn",
    "no_deadline": "Không có hạn",
    "done": "Đã hoàn thành",
    "withdrawn": "Đã thu hồi",
}
STATUSES = tuple(STATUS_LABELS)
CLOSED_STATUSES = ("done", "withdrawn")

RECURRENCE_LABELS = {
    "daily": "Hằng ngày",
    "weekly": "Hằng tuần",
    "monthly": "Hằng tháng",
    "quarterly": "Hằng quý",
    "semester": "Hằng học kỳ",
    "yearly": "Hằng năm",
}

TASK_COLUMNS = (
    Column("task_id", "Mã nhiệm vụ"),
    Column("status", "Trạng thái"),
    Column("lead_unit", "Đơn vị chủ trì"),
    Column("units", "Đơn vị thực hiện (vai trò)", "long"),
    Column("text", "Nội dung nhiệm vụ", "long"),
    Column("next_due", "Hạn kế tiếp", "date"),
    Column("days_left", "Số ngày còn lại", "int"),
    Column("deadline", "Thời hạn", "date"),
    Column("deadline_time", "Giờ"),
    Column("deadline_text", "Thời hạn (nguyên văn)", "long"),
    Column("recurrence", "Định kỳ"),
    Column("rrule", "Quy tắc lặp (RRULE)"),
    Column("milestones", "Các mốc", "list"),
    Column("done_date", "Ngày hoàn thành", "date"),
    Column("done_note", "Ghi chú hoàn thành", "long"),
    Column("doc_id", "Mã văn bản"),
    Column("doc_number", "Số, ký hiệu"),
    Column("doc_type", "Loại văn bản"),
    Column("issuer", "Cơ quan ban hành"),
    Column("issue_date", "Ngày văn bản"),
    Column("doc_subject", "Trích yếu", "long"),
    Column("seq", "Mục"),
    Column("section", "Phần", "long"),
    Column("action", "Hành động"),
    Column("page", "Trang", "int"),
    Column("confidence", "Độ tin cậy", "float"),
    Column("source", "Tệp nguồn"),
)

OBLIGATION_COLUMNS = (
    Column("unit", "Đơn vị"),
    Column("unit_name", "Tên đơn vị"),
    Column("unit_id", "Mã đơn vị (danh mục)"),
    Column("role", "Vai trò"),
    Column("task_id", "Mã nhiệm vụ"),
    Column("status", "Trạng thái"),
    Column("next_due", "Hạn kế tiếp", "date"),
    Column("days_left", "Số ngày còn lại", "int"),
    Column("deadline", "Thời hạn", "date"),
    Column("recurrence", "Định kỳ"),
    Column("text", "Nội dung nhiệm vụ", "long"),
    Column("doc_id", "Mã văn bản"),
    Column("doc_number", "Số, ký hiệu"),
    Column("issuer", "Cơ quan ban hành"),
    Column("done_date", "Ngày hoàn thành", "date"),
)

DOCUMENT_COLUMNS = (
    Column("doc_id", "Mã văn bản"),
    Column("state", "Tình trạng"),
    Column("number", "Số, ký hiệu"),
    Column("code_number", "Số"),
    Column("code_notation", "Ký hiệu"),
    Column("doc_type", "Loại văn bản"),
    Column("issuer", "Cơ quan ban hành"),
    Column("issuer_parent", "Cơ quan chủ quản"),
    Column("place", "Địa danh"),
    Column("issue_date", "Ngày văn bản"),
    Column("subject", "Trích yếu", "long"),
    Column("urgency", "Độ khẩn"),
    Column("addressees", "Kính gửi", "list"),
    Column("recipients", "Nơi nhận", "list"),
    Column("signer_title", "Chức vụ người ký"),
    Column("signer_authority", "Thẩm quyền ký"),
    Column("signer_name", "Người ký"),
    Column("tasks", "Số nhiệm vụ", "int"),
    Column("open_tasks", "Chưa hoàn thành", "int"),
    Column("overdue_tasks", "Quá hạn", "int"),
    Column("source", "Tệp nguồn"),
    Column("format", "Định dạng"),
    Column("pages", "Số trang", "int"),
    Column("sha256", "SHA-256"),
    Column("duplicates", "Bản trùng (tệp khác)", "list"),
    Column("warnings", "Cảnh báo", "list"),
    Column("first_run", "Lần chạy đầu", "int"),
    Column("updated_run", "Lần chạy cập nhật", "int"),
)

REFERENCE_COLUMNS = (
    Column("doc_id", "Mã văn bản"),
    Column("doc_number", "Văn bản dẫn chiếu (số, ký hiệu)"),
    Column("number", "Văn bản được dẫn (số, ký hiệu)"),
    Column("type", "Loại"),
    Column("date", "Ngày"),
    Column("issuer", "Cơ quan ban hành"),
    Column("relation", "Quan hệ"),
)

# Decree 30/2020/NĐ-CP Appendix VI metadata, with the names e-office systems use (edXML style).
IMPORT_COLUMNS = (
    Column("Identifier", "Mã văn bản (trong sổ này)"),
    Column("OrganName", "Tên cơ quan, tổ chức ban hành văn bản"),
    Column("OrganInCharge", "Tên cơ quan, tổ chức chủ quản"),
    Column("CodeNumber", "Số của văn bản"),
    Column("CodeNotation", "Ký hiệu của văn bản"),
    Column("Place", "Địa danh"),
    Column("IssuedDate", "Ngày, tháng, năm văn bản"),
    Column("TypeName", "Tên loại văn bản"),
    Column("Subject", "Trích yếu nội dung"),
    Column("Language", "Ngôn ngữ"),
    Column("PageAmount", "Số trang"),
    Column("SignerPosition", "Chức vụ người ký"),
    Column("SignerCompetence", "Thẩm quyền ký (KT., TM., TL., TUQ., Q.)"),
    Column("SignerFullName", "Họ tên người ký"),
    Column("ToPlaces", "Nơi nhận"),
    Column("Priority", "Mức độ khẩn"),
    Column("DueDate", "Hạn xử lý"),
    Column("TaskCount", "Số nhiệm vụ"),
    Column("FileName", "Tệp"),
)


def keys(columns: tuple[Column, ...]) -> list[str]:
    return [c.key for c in columns]


def headers(columns: tuple[Column, ...]) -> list[str]:
    return [c.header for c in columns]

DOCUMENT_STATE_LABELS = {"active": "Đang theo dõi", "withdrawn": "Đã thu hồi (tệp không còn)"}
RELATION_LABELS = {
    "implements": "Thực hiện",
    "based_on": "Căn cứ",
    "amends": "Sửa đổi",
    "replaces": "Thay thế",
    "answers": "Trả lời",
    "cites": "Dẫn chiếu",
}
# Code values shown to clerks by their labels (XLSX, report); CSV and JSON keep the codes.
VALUE_LABELS = {
    "status": STATUS_LABELS,
    "recurrence": RECURRENCE_LABELS,
    "state": DOCUMENT_STATE_LABELS,
    "relation": RELATION_LABELS,
}


def label(key: str, value: object) -> object:
    return VALUE_LABELS.get(key, {}).get(value, value) if isinstance(value, str) else value
