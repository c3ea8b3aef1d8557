"""Reading files: encodings, crawl headers, HTML bodies and tables, unreadable files."""

from __future__ import annotations

import pytest

from indexer.errors import ReportReadError
from indexer.text.normalize import normalize
from indexer.extract.reading import read_document

BODY = "江北区教育局2016年度政府信息公开工作报告\n一、概述\n本年度共受理信息公开申请0件。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "r.txt"
    path.write_bytes(BODY.replace("\n", "\r\n").encode(encoding))
    doc = read_document(path)
    assert doc.text == BODY
    assert doc.encoding == {"gbk": "gb18030"}.get(encoding, encoding)


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
    ("hello world, no Chinese here".encode(), "no Chinese text in the body (not a report)"),
    ("今天天气很好，我们去公园散步。".encode(), "not a government information disclosure report "
                                      "(no 信息公开/年度报告 in the text)"),
    (bytes([0xC3, 0x28, 0xA0, 0xA1, 0xFF, 0xFE, 0x80]) * 30, "undecodable text (not UTF-8 or "
                                                            "GB18030, no reliable guess)"),
])
def test_unreadable_files_name_the_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReportReadError) as info:
        read_document(path, display="bad.txt")
    assert info.value.reason == reason
    assert info.value.message == f"bad.txt: {reason}"


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ReportReadError, match="unsupported file type .xlsx"):
        read_document(path)


def test_crawl_header_ascii_colons(corpus_dir):
    doc = read_document(corpus_dir / "putian/putian-1440677.txt")
    assert doc.kind == "crawl"
    assert doc.header["title"] == "莆田市统计局2019年政府信息公开工作年度报告"
    assert doc.header["published"] == "2020-01-14 16:20"
    assert doc.header["publisher"] == "市统计局"
    assert doc.header["url"].endswith("t20200115_1440677.htm")
    assert doc.text.startswith("莆统〔\n2020〕7 号\n莆田市统计局\n")


def test_crawl_header_fullwidth_colons_and_crlf(corpus_dir):
    doc = read_document(corpus_dir / "sanming/sanming-78734.txt")
    assert doc.header["title"] == "三明市2013年政府信息公开工作年度报告"
    assert doc.header["url"] == ("https://www.sm.gov.cn/smsrmzfbgs/smsrmzf/zfxxgkndbg/201402/"
                                 "t20140227_78734.htm")
    assert "\r" not in doc.text
    assert doc.text.startswith("三明市2013年政府信息公开工作年度报告\n")


def test_crawl_header_with_banner_marker(corpus_dir):
    doc = read_document(corpus_dir / "pingtan/pingtan-105587.txt")
    assert doc.header["title"] == "平潭综合实验区2025年度政府信息公开工作年度报告"
    assert doc.header["url"].startswith("https://www.pingtan.gov.cn/")
    assert doc.text.startswith("本报告根据《中华人民共和国政府信息公开条例》")


def test_html_body_without_navigation(corpus_dir):
    doc = read_document(corpus_dir / "putian/putian-1698102.html")
    assert doc.kind == "html"
    assert doc.header["title"] == "莆田市科学技术局2021年政府信息公开工作年度报告"
    assert doc.header["published"] == "2022-01-13 17:09"
    assert doc.text.startswith("根据《中华人民共和国政府信息公开条例》")
    assert "返回首页" not in doc.text
    assert [len(t) for t in doc.tables] == [14, 28, 4, 1]


def test_html_table_cells_point_into_text(corpus_dir):
    doc = read_document(corpus_dir / "pingtan/pingtan-87885.html")
    row = doc.tables[1][5]
    assert [c.text for c in row] == ["三、本年度办理结果", "（一）予以公开", "22", "0", "0", "0",
                                     "0", "0", "22"]
    for table in doc.tables:
        for r in table:
            for cell in r:
                assert doc.text[cell.start:cell.end] == cell.text


def test_normalize_keeps_offsets():
    original = "三明\n市２０１\n9年  資訊公開\u3000柳  州  市 ABC def"
    n = normalize(original)
    assert n.text == "三明市2019年资讯公开柳州市abc def"
    start = n.text.index("2019")
    assert n.span(start, start + 4) == (original.index("２"), original.index("9") + 1)
    for i, ch in enumerate(n.text):
        if ch != " ":
            assert original[n.offsets[i]] in (ch, ch.upper()) or ord(original[n.offsets[i]]) > 127
