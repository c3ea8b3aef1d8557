"""Word reports: .docx, .doc and .wps give the record the same report gives as HTML or text.

The fixtures in tests/fixtures/formats/ were made by bench/make_word.py: LibreOffice saved real
corpus reports (an HTML page's article, a text report's lines) as Word files, and python-docx
wrote the synthetic ones. Reading .doc/.wps runs LibreOffice (`make word-deps` installs it).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import docx
import olefile
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gongkai.cli import main
from indexer.errors import ReportReadError
from indexer.extract import legacy
from indexer.extract.legacy import check_ole_word, read_doc_file, run_converter
from indexer.extract.limits import MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES
from indexer.extract.reading import read_document
from indexer.extract.report import extract_report
from indexer.extract.word import PASSWORD, read_docx_file

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
TABLES_2021 = "pingtan/pingtan-87885.html"        # 2021 format, the standard tables as HTML
INDICATOR_2011 = "pingtan/pingtan-80678.html"     # the pre-2019 indicator table
TEXT_2017 = "education/001_b8557501b183c911.txt"  # a text report, no table


def figures(report) -> dict[str, int | float]:
    return {key: figure.value for key, figure in report.stats.items()}


def assert_same_record(word, original, same_text: bool = True) -> None:
    """What a Word file must share with the report's HTML or text version. The Word file has
    no web page header, so `published` and `url` (the page's <meta>) are not compared."""
    assert (word.title, word.agency, word.year) == (original.title, original.agency, original.year)
    assert [s.slug for s in word.sections] == [s.slug for s in original.sections]
    assert figures(word) == figures(original)
    assert [f.rule for f in word.flags] == [f.rule for f in original.flags]
    if same_text:
        assert word.text == original.text


@pytest.mark.parametrize("name", ["pingtan-87885.docx", "pingtan-87885.doc", "pingtan-87885.wps"])
def test_a_2021_report_in_word_gives_the_html_record(name, report):
    word = extract_report(FORMATS / name)
    assert_same_record(word, report(TABLES_2021))
    assert (word.agency, word.year) == ("平潭综合实验区", 2023)
    assert [s.slug for s in word.sections] == ["preamble", "overview", "proactive", "requests",
                                               "appeals", "problems", "other"]
    got = figures(word)
    assert (got["requests_received"], got["requests_granted"], got["requests_partly_granted"],
            got["unable_not_exist"], got["requests_total"]) == (81, 22, 20, 31, 81)
    assert (got["reconsiderations"], got["lawsuits_direct"], got["lawsuits"]) == (2, 5, 7)
    assert {word.stats[k].source for k in ("requests_received", "lawsuits")} == {"html"}
    assert len(word.tables) == len(report(TABLES_2021).tables) == 3
    for table in word.tables:                     # every cell's span holds the cell's text
        for row in table:
            assert all(word.text[c.start:c.end] == c.text for c in row)


def test_the_document_records_its_format():
    assert [read_document(FORMATS / f"pingtan-87885.{fmt}").format
            for fmt in ("docx", "doc", "wps")] == ["docx", "doc", "wps"]


def test_the_indicator_table_in_word(report):
    """LibreOffice drops the spaces after 其中： and joins a header cell's <br> lines, so the text
    differs in those cells; the record does not."""
    word = extract_report(FORMATS / "pingtan-80678.docx")
    assert_same_record(word, report(INDICATOR_2011), same_text=False)
    assert figures(word)["proactive_published"] == 425


@pytest.mark.parametrize("name", ["001_b8557501b183c911.docx", "001_b8557501b183c911.doc"])
def test_a_text_report_in_word(name, report):
    """The text file keeps its blank lines and runs of spaces, Word paragraphs do not."""
    word = extract_report(FORMATS / name)
    original = report(TEXT_2017)
    assert_same_record(word, original, same_text=False)
    lines = (re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in original.text.split("\n"))
    assert word.text == "\n".join(line for line in lines if line)
    assert figures(word)["proactive_published"] == 68


def test_without_libreoffice_antiword_reads_the_text(tmp_path, monkeypatch, report):
    """A machine without LibreOffice (only antiword on the PATH): the text, the title from the
    file's summary information, sections and prose figures; antiword drops the cells of the
    2021 application table, so its figures are not read."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "antiword").symlink_to(shutil.which("antiword"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    text = extract_report(FORMATS / "001_b8557501b183c911.doc")
    assert_same_record(text, report(TEXT_2017), same_text=False)
    assert text.text.startswith("2017年湘桥区教育局政府信息公开年报\n")
    tables = extract_report(FORMATS / "pingtan-87885.doc")
    assert (tables.title, tables.agency, tables.year, tables.tables) == (
        "平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区", 2023, [])
    assert "requests_received" not in tables.stats
    assert read_document(FORMATS / "pingtan-87885.wps").format == "wps"


def test_without_any_converter_or_temporary_folder_the_reason_says_so(tmp_path, monkeypatch):
    path = FORMATS / "pingtan-87885.doc"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    assert reason_for(path) == "cannot convert the Word file here (No such file or directory)"
    monkeypatch.setenv("PATH", str(tmp_path))
    assert reason_for(path) == ("cannot read Word 97-2003 files here: install LibreOffice "
                                "(libreoffice-writer-nogui) or antiword")


def merged_table_docx(path: Path) -> None:
    """A 2021 application table with a 2x2 block (merged across and down) and a merged row."""
    document = docx.Document()
    document.add_paragraph("某区测试局2021年政府信息公开工作年度报告")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=4, cols=9)
    table.cell(0, 0).text = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
    table.cell(0, 2).text = "申请人情况"
    table.cell(0, 0).merge(table.cell(1, 1))
    table.cell(0, 2).merge(table.cell(0, 8))
    for i, label in enumerate("自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计".split()):
        table.cell(1, 2 + i).text = label
    for row, label, values in ((2, "一、本年新收政府信息公开申请数量", "5 1 0 0 0 2 8"),
                               (3, "二、上年结转政府信息公开申请数量", "1 0 0 0 0 0 1")):
        table.cell(row, 0).merge(table.cell(row, 1)).text = label
        for i, value in enumerate(values.split()):
            table.cell(row, 2 + i).text = value
    document.add_paragraph("六、其他需要报告的事项")
    document.save(path)


def test_merged_cells_are_read_as_html_spans_are(tmp_path):
    path = tmp_path / "merged.docx"
    merged_table_docx(path)
    doc = read_document(path)
    (table,) = doc.tables
    assert [[c.text for c in row] for row in table] == [
        ["本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", "申请人情况"],
        ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
        ["一、本年新收政府信息公开申请数量", "5", "1", "0", "0", "0", "2", "8"],
        ["二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1"]]
    assert doc.text.split("\n")[4] == "一、本年新收政府信息公开申请数量\t5\t1\t0\t0\t0\t2\t8"
    fixture = read_document(FORMATS / "merged-cells.docx")   # the plain encrypted.docx
    assert [[c.text for c in r] for r in fixture.tables[0]] == [[c.text for c in r] for r in table]
    assert fixture.header == {"title": "某区测试局2021年政府信息公开工作年度报告"}
    report = extract_report(path)
    assert figures(report) == {"requests_received": 8, "requests_carried_over": 1}
    assert report.stats["requests_received"].source == "html"


CELL = st.text(st.sampled_from("政府信息公开 \u30000123456789申请件"), max_size=8)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=5),
       st.lists(CELL, max_size=3))
def test_every_cell_span_holds_its_text(tmp_path, rows, paragraphs):
    """Whatever the cells and paragraphs around a table, each cell's span is its text."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    document.add_paragraph("政府信息公开年度报告")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_document(_write(tmp_path / "t.docx", buffer.getvalue()))
    (read,) = doc.tables
    assert len(read) == len(rows)
    for row in read:
        assert all(doc.text[c.start:c.end] == c.text for c in row)
        assert doc.text[row[0].start:row[-1].end] == "\t".join(c.text for c in row)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- files that are not readable Word reports: each named with its reason, never a traceback ---

def reason_for(path: Path) -> str:
    with pytest.raises(ReportReadError) as info:
        read_document(path, display=path.name)
    assert info.value.message == f"{path.name}: {info.value.reason}"
    return info.value.reason


def zip_file(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return path


def test_a_doc_that_is_not_an_ole_file(tmp_path):
    path = _write(tmp_path / "report.doc", "江北区教育局2016年度政府信息公开工作报告".encode())
    assert reason_for(path) == ("not a Word 97-2003 file (no OLE signature D0CF11E0A1B11AE1; "
                                "the file starts with b'\\xe6\\xb1\\x9f\\xe5\\x8c\\x97\\xe5\\x8c'"
                                ")")
    for content, what in ((b"{\\rtf1\\ansi ...}", "RTF"),
                          (b"MIME-Version: 1.0\r\nContent-Type: multipart/related",
                           "a web archive (MHT)"),
                          (b"<html><body>...</body></html>", "HTML or XML")):
        path = _write(tmp_path / "saved.doc", content)
        assert reason_for(path) == ("not a Word 97-2003 file (no OLE signature "
                                    f"D0CF11E0A1B11AE1; it is {what})")


def test_password_protected_files_are_refused_before_any_converter(tmp_path):
    encrypted = FORMATS / "encrypted.docx"          # an OLE file holding an EncryptedPackage
    assert reason_for(encrypted) == PASSWORD
    assert reason_for(_write(tmp_path / "r.doc", encrypted.read_bytes())) == PASSWORD
    flagged = _write(tmp_path / "flagged.doc", (FORMATS / "pingtan-87885.doc").read_bytes())
    with olefile.OleFileIO(str(flagged), write_mode=True) as ole:   # set fEncrypted in the FIB
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[11] |= 0x01
        ole.write_stream("WordDocument", bytes(stream))
    assert reason_for(flagged) == PASSWORD


def test_a_word_97_file_named_docx(tmp_path):
    path = _write(tmp_path / "r.docx", (FORMATS / "pingtan-87885.doc").read_bytes())
    assert reason_for(path) == "a Word 97-2003 file named .docx (rename it .doc to read it)"


def test_a_docx_named_doc_is_read_as_docx(tmp_path, report):
    path = _write(tmp_path / "r.doc", (FORMATS / "pingtan-87885.docx").read_bytes())
    doc = read_doc_file(path.read_bytes(), path, path.name)
    assert doc.format == "docx"
    assert doc.text == report(TABLES_2021).text


def test_zip_bombs_are_refused_from_the_zip_directory(tmp_path):
    many = zip_file(tmp_path / "many.docx", {f"f{i}.xml": b"" for i in range(MAX_ZIP_ENTRIES + 1)})
    assert reason_for(many) == f"zip package with {MAX_ZIP_ENTRIES + 1} entries (limit 1000)"
    size = MAX_UNZIPPED_BYTES + 1
    big = zip_file(tmp_path / "big.docx", {"word/document.xml": b"\0" * size})
    assert big.stat().st_size < 200_000
    assert reason_for(big) == f"zip package unpacks to {size} bytes (limit 100 MB)"


def test_corrupt_docx_files(tmp_path):
    real = (FORMATS / "pingtan-87885.docx").read_bytes()
    assert reason_for(_write(tmp_path / "cut.docx", real[:len(real) // 2])) == \
        "corrupt .docx (File is not a zip file)"
    assert reason_for(_write(tmp_path / "text.docx", "年度报告".encode())) == \
        "corrupt .docx (not a zip package)"
    assert reason_for(zip_file(tmp_path / "other.docx", {"a.txt": b"x"})) == \
        "corrupt .docx (no word/document.xml: not a Word document)"
    sheet = zip_file(tmp_path / "sheet.docx", {"word/document.xml": b"<worksheet/>"})
    assert reason_for(sheet) == ("not a Word text document (its main part is worksheet; "
                                 "Strict Open XML documents are not read)")
    broken = zip_file(tmp_path / "broken.docx", {"word/document.xml": b"<w:document><w:body>"})
    assert reason_for(broken).startswith("corrupt .docx (word/document.xml: ")
    assert reason_for(_write(tmp_path / "empty.docx", b"")) == "empty file"


DOCX = (FORMATS / "pingtan-87885.docx").read_bytes()
DOC = (FORMATS / "pingtan-87885.doc").read_bytes()
DAMAGE = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(DAMAGE, st.integers(9, len(DOCX)))
@example([(33, 0)], len(DOCX))                 # a deflate stream broken: zlib's own error
def test_a_damaged_docx_is_read_or_refused_with_a_reason(damage, length):
    data = _damaged(DOCX, damage, length)
    try:
        doc = read_docx_file(data, Path("r.docx"), "r.docx")
    except ReportReadError as exc:
        assert exc.reason
    else:
        assert doc.format == "docx"


@settings(max_examples=60, deadline=None)
@given(DAMAGE, st.integers(9, len(DOC)))
def test_a_damaged_doc_passes_the_ole_check_or_is_refused_with_a_reason(damage, length):
    try:
        check_ole_word(_damaged(DOC, damage, length), "r.doc")
    except ReportReadError as exc:
        assert exc.reason


def _damaged(data: bytes, damage: list[tuple[int, int]], length: int) -> bytes:
    """`data` cut to `length` bytes with some bytes overwritten (past the 8-byte signature)."""
    out = bytearray(data[:length])
    for at, value in damage:
        out[8 + at % (len(out) - 8)] = value
    return bytes(out)


def test_a_stuck_converter_is_killed_with_its_children(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy, "CONVERT_SECONDS", 0.5)
    script = "sleep 60 & echo $! > child; wait"
    with pytest.raises(ReportReadError) as info:
        run_converter(["sh", "-c", script], str(tmp_path), "r.doc", "sh")
    assert info.value.reason == "sh took longer than 0.5 s to read the Word file"
    child = int((tmp_path / "child").read_text())
    for _ in range(50):                      # killed: gone once its parent (init) reaps it
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1]
    return not stat.startswith("Z")


def test_index_takes_the_good_word_files_and_names_the_bad_ones(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    for name in ("pingtan-87885.docx", "001_b8557501b183c911.doc", "encrypted.docx"):
        _write(root / name, (FORMATS / name).read_bytes())
    _write(root / "fake.doc", "江北区教育局政府信息公开工作年度报告".encode())
    zip_file(root / "bomb.docx", {f"f{i}.xml": b"" for i in range(MAX_ZIP_ENTRIES + 1)})
    result = CliRunner().invoke(main, ["index", str(root), "--index-dir", str(tmp_path / "ix"),
                                       "--silent"])
    assert result.exit_code == 0, result.output
    assert "2 reports" in result.output
    assert "skipped 3 files:" in result.output
    assert f"  encrypted.docx: {PASSWORD}" in result.output
    assert "  bomb.docx: zip package with 1001 entries (limit 1000)" in result.output
    assert "  fake.doc: not a Word 97-2003 file (no OLE signature" in result.output
    assert "Traceback" not in result.output


def test_the_file_time_budget_ends_a_conversion_and_kills_libreoffice(tmp_path, monkeypatch):
    """The worker's own budget (GONGKAI_FILE_SECONDS) interrupts the wait for LibreOffice:
    the file is skipped with the budget's reason and no soffice process is left behind."""
    root = tmp_path / "corpus"
    root.mkdir()
    _write(root / "slow.doc", DOC)
    monkeypatch.setenv("GONGKAI_FILE_SECONDS", "0.5")
    result = CliRunner().invoke(main, ["index", str(root), "--index-dir", str(tmp_path / "ix"),
                                       "--silent"])
    assert "  slow.doc: took longer than 0.5 s to read (limit GONGKAI_FILE_SECONDS=0.5)" \
        in result.output
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit() and _converting(pid)]


def _converting(pid: str) -> bool:
    """Whether process `pid` is a LibreOffice converting in one of gongkai's temp folders."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"soffice" in command and b"gongkai-word-" in command and _alive(int(pid))
