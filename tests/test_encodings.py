"""Legacy encodings (TCVN3, VNI) back to Unicode; decomposed and stray marks repaired.

The tables are proved by round trips: every Vietnamese letter encodes and decodes back; corpus
texts written into TCVN3 and VNI (as .txt bytes, and as .docx runs in .VnTime/.VnTimeH/VNI-Times)
come back exactly. Detection is proved on negatives too: Unicode, Windows-1258 and other Latin
text must never be taken for legacy text.
"""
from __future__ import annotations

import importlib.util
import unicodedata
from io import BytesIO

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.ingest import docstyles, encodings, ingest, marks, txt

from .conftest import CORPUS, ROOT, corpus_stems

_spec = importlib.util.spec_from_file_location("make_legacy", ROOT / "corpus" / "make_legacy.py")
make_legacy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_legacy)

TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
SMALL = [unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in TONES] + ["đ"]
LETTERS = sorted({ch for small in SMALL for ch in (small, small.upper()) if not ch.isascii()})


def test_there_are_134_vietnamese_letters():
    assert len(LETTERS) == 134


@pytest.mark.parametrize("encoding", encodings.ENCODINGS)
def test_every_letter_encodes_and_decodes_back(encoding):
    failures = [ch for ch in LETTERS if encodings.decode(encodings.encode(ch, encoding).decode("latin-1"), encoding) != ch]
    assert not failures


@pytest.mark.parametrize("encoding", encodings.ENCODINGS)
def test_every_letter_between_others_decodes_back(encoding):
    """Greedy VNI decoding must not glue one letter's mark byte onto its neighbour."""
    text = " ".join(a + b + "n" for a in LETTERS for b in ("a", "ư", "ơ", "đ", "ĩ"))
    assert encodings.decode(encodings.encode(text, encoding).decode("latin-1"), encoding) == text


@pytest.mark.parametrize("legacy, encoding, expected", [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "tcvn3", "Độc lập - Tự do - Hạnh phúc"),
    ("Kݧnh göi: c¸c tr\u00adêng", "tcvn3", "Kính gửi: các trường"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "vni", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "vni", "Độc lập - Tự do - Hạnh phúc"),
    ("Aù", "vni", "Á"),  # a capital base with a small mark byte, as hand-typed VNI has it
])
def test_known_legacy_strings(legacy, encoding, expected):
    assert encodings.decode(legacy.replace("Kݧnh", "KÝnh"), encoding) == expected


def _encodable(stem: str, encoding: str) -> bool:
    try:
        encodings.encode((CORPUS / f"{stem}.txt").read_text(encoding="utf-8"), encoding)
        return True
    except ValueError:  # TCVN3 has no “ ” – in its byte table: those texts cannot be written in it
        return False


CASES = [(stem, enc) for stem in corpus_stems() for enc in encodings.ENCODINGS if _encodable(stem, enc)]


@pytest.mark.parametrize("stem, encoding", CASES)
def test_corpus_text_in_legacy_bytes_decodes_to_exactly_the_source(tmp_path, stem, encoding):
    source = unicodedata.normalize("NFC", (CORPUS / f"{stem}.txt").read_text(encoding="utf-8"))
    data = encodings.encode(source, encoding)
    assert txt.decode(data, "x.txt") == source
    path = tmp_path / f"{stem}.txt"
    path.write_bytes(data)
    assert [b.text for b in ingest(path).blocks] == [b.text for b in ingest(CORPUS / f"{stem}.txt").blocks]


def test_enough_corpus_texts_are_round_tripped():
    assert sum(enc == "tcvn3" for _, enc in CASES) >= 15 and sum(enc == "vni" for _, enc in CASES) >= 25


@pytest.mark.parametrize("stem", corpus_stems("docx"))
@pytest.mark.parametrize("encoding", encodings.ENCODINGS)
def test_docx_runs_in_legacy_fonts_convert_to_exactly_the_unicode_docx(tmp_path, stem, encoding):
    unicode_path = CORPUS / f"{stem}.docx"
    path = tmp_path / f"{stem}.docx"
    path.write_bytes(make_legacy.legacy_font_docx(unicode_path.read_bytes(), encoding))
    doc = ingest(path)
    assert [b.text for b in doc.blocks] == [b.text for b in ingest(unicode_path).blocks]
    assert any(encoding in w for w in doc.warnings)


def _docx(runs_by_paragraph, normal_font=None) -> bytes:
    document = docx.Document()
    if normal_font:
        fonts = document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi"):
            fonts.set(qn(attr), normal_font)
    for runs in runs_by_paragraph:
        paragraph = document.add_paragraph()
        for text, font in runs:
            run = paragraph.add_run(text)
            if font:
                rfonts = OxmlElement("w:rFonts")
                for attr in ("w:ascii", "w:hAnsi"):
                    rfonts.set(qn(attr), font)
                run._r.get_or_add_rPr().insert(0, rfonts)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_one_paragraph_mixing_fonts_converts_run_by_run(tmp_path):
    path = tmp_path / "mixed.docx"
    path.write_bytes(_docx([[("UBND ", ".VnTime"), ("tØnh h\u00adng yªn", ".VnTimeH"),
                             (" – Sở Giáo dục; ", "Times New Roman"), ("Vieät Nam", "VNI-Times")]]))
    assert ingest(path).blocks[0].text == "UBND TỈNH HƯNG YÊN – Sở Giáo dục; Việt Nam"


def test_font_inherited_from_the_normal_style_is_a_hint(tmp_path):
    path = tmp_path / "styled.docx"
    path.write_bytes(_docx([[("Kݧnh göi: c¸c tr\u00adêng".replace("Kݧnh", "KÝnh"), None)]], normal_font=".VnTime"))
    assert ingest(path).blocks[0].text == "Kính gửi: các trường"


def test_a_shared_style_sheet_serves_only_documents_with_the_same_one(tmp_path):
    """Style sheets are parsed once per distinct content (docstyles): the same legacy bytes read
    as TCVN3 under a .VnTime Normal style and stay as they are under the default one, whichever
    document came first, and python-docx's own documents (written here) never share a sheet."""
    typed = "Sè 24/SGD§T-VP"  # too short for the text alone to tell: only the font says TCVN3
    legacy, plain = tmp_path / "legacy.docx", tmp_path / "plain.docx"
    legacy.write_bytes(_docx([[(typed, None)]], normal_font=".VnTime"))
    plain.write_bytes(_docx([[(typed, None)]]))
    for _ in range(2):
        assert ingest(legacy).blocks[0].text == "Số 24/SGDĐT-VP"
        assert ingest(plain).blocks[0].text == typed
    sheets = [docstyles.open_document(p.read_bytes()).part.part_related_by(RT.STYLES).element
              for p in (plain, plain, legacy)]
    assert sheets[0] is sheets[1] and sheets[0] is not sheets[2]
    assert docx.Document().styles.element is not docx.Document().styles.element


def test_unicode_text_under_a_legacy_font_name_is_left_alone(tmp_path):
    """Unikey converts the text and often leaves the old font name on it: even a short run such
    as "các" (no letter only Unicode has) stays as it is when the font's other text is Unicode."""
    path = tmp_path / "converted.docx"
    paragraphs = [[("Kính gửi ", ".VnTime"), ("các", ".VnTime"), (" trường trong tỉnh", ".VnTime")], [("Số 24", ".VnTime")]]
    path.write_bytes(_docx(paragraphs))
    assert [b.text for b in ingest(path).blocks] == ["Kính gửi các trường trong tỉnh", "Số 24"]


def test_utf8_text_holding_legacy_characters_is_recognised_by_its_words(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_text("Céng hoµ x· héi chñ nghÜa ViÖt Nam\n\nKÝnh göi: c¸c tr\u00adêng häc trong tØnh", encoding="utf-8")
    doc = ingest(path)
    assert [b.text for b in doc.blocks] == ["Cộng hoà xã hội chủ nghĩa Việt Nam", "Kính gửi: các trường học trong tỉnh"]
    assert any("TCVN3" in w for w in doc.warnings)


# --- negatives: nothing that is not legacy text may be taken for it -----------------------------

LATIN = [
    "Bonjour à tous, ça va très bien. Où est la bibliothèque? Déjà vu, été, forêt, naïve, Noël.",
    "Grüße aus München, schön dass Sie da sind. Straße, Größe, Übung, Ärger, Öl.",
    "Señor, mañana, niño, corazón, canción, está, también, después, información.",
    "The quick brown fox jumps over the lazy dog. Café, résumé, naïve, coöperate.",
    "Hồ sơ gửi về Sở trước ngày 15/3. Café, crème brûlée.",
]


@pytest.mark.parametrize("stem", corpus_stems())
def test_unicode_and_windows_1258_corpus_text_is_not_taken_for_legacy(stem):
    text = unicodedata.normalize("NFC", (CORPUS / f"{stem}.txt").read_text(encoding="utf-8"))
    assert encodings.detect(text) is None
    assert encodings.detect(unicodedata.normalize("NFD", text)) is None
    try:
        cp1258 = _windows_1258(text).encode("cp1258")
    except UnicodeEncodeError:
        return
    assert encodings.decode_bytes(cp1258) is None


@pytest.mark.parametrize("text", LATIN)
def test_other_latin_text_is_not_taken_for_legacy(text):
    assert encodings.detect(text) is None
    assert encodings.decode_bytes(text.encode("cp1252", "replace")) is None


def test_a_few_legacy_words_without_a_font_are_not_enough():
    assert encodings.detect("ViÖt Nam") is None  # too short to judge: a font name must say so


def _windows_1258(text: str) -> str:
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in "\u0300\u0301\u0303\u0309\u0323"))
        out.append(base + "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323"))
    return "".join(out)


# --- marks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    (unicodedata.normalize("NFD", "Cộng hòa xã hội"), "Cộng hòa xã hội"),
    ("a\u0301\u0302", "ấ"),  # tone typed before the hat
    ("Vie\u0323\u0302t", "Việt"),
    ("ho\u0300\u0300a", "hòa"),  # a repeated tone mark
    ("\u0301Kính gửi", "Kính gửi"),  # a mark at the start belongs to nothing
    ("số 24 \u0300 ngày", "số 24  ngày"),
    ("a\u0301\u0300", "á"),  # two different tones: the first one is kept
    ("Z\u0335a\u0301", "Z\u0335á"),  # other combining marks stay
])
def test_fix_marks(raw, expected):
    assert marks.fix_marks(raw) == expected


def test_decomposed_docx_text_comes_out_composed(tmp_path):
    path = tmp_path / "nfd.docx"
    path.write_bytes(_docx([[(unicodedata.normalize("NFD", "Kính gửi: Sở Giáo dục và Đào tạo"), None)]]))
    assert ingest(path).blocks[0].text == "Kính gửi: Sở Giáo dục và Đào tạo"


@pytest.mark.parametrize("legacy, expected", [
    ("C\u00e9NG HO\u00b5 X\u00b7 H\u00e9I", "CỘNG HOÀ XÃ HỘI"),  # capitals typed in .VnTimeH, font lost
    ("S\u00e8: 24/SGD\u00aeT", "Số: 24/SGDĐT"),  # "Số" has one capital: a title-case word stays
    ("KT. B\u00e9 TR\u00ad\u00ebNG", "KT. BỘ TRƯỞNG"),  # "Bộ" between capital words is in capitals too
    ("B\u00e9 X\u00a9y d\u00f9ng", "Bộ Xây dựng"),
])
def test_tcvn3_without_fonts_gets_its_capital_words_back(legacy, expected):
    assert encodings.decode_unhinted(legacy, "tcvn3") == expected


@pytest.mark.parametrize("font, expected", [
    (".VnTime", ("tcvn3", False)), (".VnTimeH", ("tcvn3", True)), (".VnArialH", ("tcvn3", True)),
    ("VNI-Times", ("vni", False)), ("VNI-Helve", ("vni", False)), ("Times New Roman", None), (None, None),
])
def test_font_names(font, expected):
    assert encodings.font_encoding(font) == expected
