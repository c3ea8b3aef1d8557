"""PDF reports: the three real PDFs (exact values as printed), PDFs LibreOffice makes from
corpus reports (the same record as the text), a scanned PDF read by OCR, and bad PDFs skipped
with their reasons."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from indexer.errors import ReportReadError
from indexer.extract import extract_all, extract_report
from indexer.extract.corpus import Skipped
from indexer.extract.limits import MAX_PDF_PAGES
from indexer.extract.reading import read_document

ROOT = Path(__file__).resolve().parent.parent
# The three real PDF reports (tests/fixtures/pdf/SOURCES.md says whence).
REAL = ROOT / "tests" / "fixtures" / "pdf"
sys.path.insert(0, str(ROOT / "bench"))
from make_formats import convert  # noqa: E402

SECTIONS = ["preamble", "overview", "proactive", "requests", "appeals", "problems", "other"]
# Corpus reports with the 2019/2021 tables, in crawled text (one cell per line).
CONVERTED = ["putian-1210716.txt", "putian-1560147.txt", "pingtan-80445.txt"]


def _real(name: str):
    return extract_report(REAL / name, REAL)


def test_a_city_report_as_printed():
    report = _real("ext-01.pdf")
    assert (report.agency, report.year, report.format, report.ocr) == ("淮安市人民政府", 2024, "pdf", False)
    assert report.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert [s.slug for s in report.sections] == SECTIONS
    stats = {k: f.value for k, f in report.stats.items()}
    assert (stats["requests_received"], stats["requests_carried_over"], stats["requests_granted"],
            stats["requests_total"], stats["requests_carried_forward"]) == (3119, 34, 1362, 3050, 103)
    assert (stats["reconsiderations"], stats["lawsuits"], stats["unable_not_exist"]) == (351, 46, 769)
    # the table runs over pages 4 and 5: read as one, each figure on its page
    assert report.page_at(report.stats["requests_received"].start) == 4
    assert report.page_at(report.stats["requests_total"].start) == 5
    assert [p["page"] for p in report.pages] == [1, 2, 3, 4, 5, 6]
    assert report.flags == []


def test_wrapped_lines_are_paragraphs_and_page_numbers_go():
    text = _real("ext-01.pdf").text
    assert "- 1 -" not in text and "- 5 -" not in text
    assert ("本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）"
            "（以下简称《条例》）规定编制。") in text
    # a paragraph that runs over a page break is one line
    assert "“建设‘四最’一流营商环境高质量推进产业发展”" in text
    assert "\n一、总体情况\n" in text


def test_a_district_report_whose_appeals_table_does_not_add_up():
    report = _real("ext-02.pdf")
    assert (report.agency, report.year) == ("洪泽区人民政府", 2023)
    assert [s.slug for s in report.sections] == SECTIONS
    stats = {k: f.value for k, f in report.stats.items()}
    assert (stats["requests_received"], stats["requests_partly_granted"], stats["requests_total"],
            stats["unable_not_exist"], stats["unable_need_create"]) == (21, 4, 21, 10, 3)
    assert stats["reconsiderations"] == 0      # printed 0, though its results add up to 11
    assert [f.rule for f in report.flags] == ["appeal_sum", "appeal_sum"]
    assert "10 + 1 + 0 + 0 = 11" in report.flags[0].message


def test_the_same_district_the_next_year():
    report = _real("ext-03.pdf")
    assert (report.agency, report.year) == ("淮安市洪泽区人民政府", 2024)
    stats = {k: f.value for k, f in report.stats.items()}
    assert (stats["requests_received"], stats["requests_granted"], stats["requests_total"],
            stats["reconsiderations"], stats["lawsuits"]) == (95, 50, 95, 2, 4)


def test_tables_have_the_html_readers_shape():
    doc = read_document(REAL / "ext-01.pdf")
    request_table = next(t for t in doc.tables if any("本年新收" in c.text for r in t for c in r))
    row = next(r for r in request_table if r and r[0].text.startswith("一、本年新收"))
    assert [c.text for c in row] == ["一、本年新收政府信息公开申请数量", "3001", "53", "0", "0",
                                     "61", "4", "3119"]
    assert all(doc.text[c.start:c.end] == c.text for c in row)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Corpus reports' bodies as .txt and as the PDF LibreOffice makes of the same body."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice is needed: make test installs it (pdf-deps)")
    folder = tmp_path_factory.mktemp("converted")
    sources = [next((ROOT / "corpus").rglob(name)) for name in CONVERTED]
    for source in sources:
        (folder / source.name).write_text(read_document(source).text, encoding="utf-8")
    convert([folder / s.name for s in sources], "pdf", folder)
    return folder


@pytest.mark.parametrize("name", CONVERTED)
def test_a_pdf_made_from_a_report_gives_the_same_record(converted, name):
    text = extract_report(converted / name, converted)
    pdf = extract_report(converted / name.replace(".txt", ".pdf"), converted)
    assert (pdf.agency, pdf.year, pdf.title) == (text.agency, text.year, text.title)
    assert [s.slug for s in pdf.sections] == [s.slug for s in text.sections]
    assert {k: f.value for k, f in pdf.stats.items()} == {k: f.value for k, f in text.stats.items()}
    assert (pdf.format, text.format, text.pages, text.ocr) == ("pdf", "txt", [], False)
    assert pdf.pages[0]["page"] == 1 and pdf.pages[-1]["end"] == len(pdf.text)


def test_a_scanned_pdf_is_read_by_ocr(converted, tmp_path):
    if shutil.which("tesseract") is None:
        pytest.fail("Tesseract is needed: make test installs it (pdf-deps)")
    scanned = convert([converted / CONVERTED[0]], "scanned-pdf", tmp_path)[0]
    assert "政府信息公开" not in PdfReader(scanned).pages[0].extract_text()   # no text layer
    report = extract_report(scanned, tmp_path)
    assert report.ocr is True and report.format == "pdf"
    assert "政府信息公开" in report.text and "年度报告" in report.text
    assert report.year == extract_report(converted / CONVERTED[0], converted).year


def _bad_pdfs(folder: Path) -> dict[str, str]:
    """Bad PDFs made by real programs; file name -> the reason it must be skipped with."""
    real = (REAL / "ext-01.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(real[: len(real) // 3])
    writer = PdfWriter(clone_from=REAL / "ext-01.pdf")
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    writer.write(folder / "encrypted.pdf")
    long = PdfWriter()
    for _ in range(500):
        long.add_blank_page(595, 842)
    long.write(folder / "long.pdf")
    (folder / "fake.pdf").write_text("政府信息公开工作年度报告", encoding="utf-8")
    return {"encrypted.pdf": "encrypted PDF (it needs a password to open)",
            "long.pdf": f"PDF of 500 pages (limit {MAX_PDF_PAGES} pages)",
            "fake.pdf": "not a PDF file (no %PDF- header)"}


def test_bad_pdfs_are_skipped_with_their_reason_and_the_run_goes_on(tmp_path):
    expected = _bad_pdfs(tmp_path)
    shutil.copy(REAL / "ext-03.pdf", tmp_path / "good.pdf")
    results = {r.source: r for r in extract_all([tmp_path])}
    assert results["good.pdf"].agency == "淮安市洪泽区人民政府"
    for name, reason in expected.items():
        assert isinstance(results[name], Skipped) and results[name].reason == reason
    assert results["truncated.pdf"].reason.startswith("damaged or truncated PDF")


def test_a_scan_without_an_ocr_engine_names_what_to_install(converted, tmp_path, monkeypatch):
    scanned = convert([converted / CONVERTED[1]], "scanned-pdf", tmp_path)[0]
    monkeypatch.setenv("PATH", str(tmp_path))          # no tesseract on this PATH
    with pytest.raises(ReportReadError) as caught:
        read_document(scanned)
    assert caught.value.reason == ("scanned PDF without a text layer, and no OCR engine is "
                                   "installed (install the Debian packages tesseract-ocr and "
                                   "tesseract-ocr-chi-sim)")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_damaged_real_pdf_is_a_document_or_a_reason(tmp_path, damage):
    data = bytearray((REAL / "ext-03.pdf").read_bytes())
    for where, byte in damage:
        data[int(where * (len(data) - 1))] = byte
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    try:
        doc = read_document(path)
    except ReportReadError as exc:
        assert exc.reason
    else:
        assert doc.format == "pdf" and doc.pages[-1]["end"] == len(doc.text)
