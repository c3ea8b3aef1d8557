"""Make the Word test fixtures (tests/fixtures/formats/) and a Word corpus for bench/word_bench.py.

    .venv/bin/python bench/make_word.py                    # the fixtures (needs soffice)
    .venv/bin/python bench/make_word.py --bench 50   # bench/out/word/{txt,docx,doc}/, 50 reports

Real reports become Word files the way an agency's would be: the report alone (an HTML page's
article container, or a text report's lines as paragraphs) is written as a small HTML file and
LibreOffice (`soffice --headless --convert-to`) saves it as ``.docx`` (MS Word 2007 XML) and
``.doc`` (MS Word 97); HTML tables stay Word tables, merged cells included. A ``.wps`` fixture is
the Word 97 file under that name: WPS Office writes its ``.wps`` files in the same OLE format,
and the reader looks at the bytes, not the name. Synthetic cases (merged cells) are written with
python-docx; the password-protected one is encrypted with msoffcrypto-tool (a development tool
only, not a dependency of gongkai). Needs Debian's libreoffice-writer-nogui.
"""

from __future__ import annotations

import argparse
import html
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bs4 import BeautifulSoup  # noqa: E402

from indexer.extract.corpus import is_candidate, iter_files  # noqa: E402
from indexer.extract.html import _content_root  # noqa: E402  (the container the reader picks)
from indexer.extract.reading import read_document  # noqa: E402

FIXTURES = ROOT / "tests/fixtures/formats"
# corpus report -> the Word formats made of it
REPORTS = {
    "pingtan/pingtan-87885.html": ("docx", "doc", "wps"),   # 2021 format, standard tables
    "pingtan/pingtan-80678.html": ("docx",),                 # 2011, the old indicator table
    "education/001_b8557501b183c911.txt": ("docx", "doc"),   # text only
}
FILTERS = {"docx": "docx:MS Word 2007 XML", "doc": "doc:MS Word 97"}


def article_html(path: Path) -> str:
    """The report alone as an HTML page: an HTML page's article container, or a text report's
    lines as paragraphs; the title in <title>."""
    if path.suffix == ".html":
        soup = BeautifulSoup(path.read_bytes(), "lxml")
        title = read_document(path).header.get("title", "")
        body = str(_content_root(soup))
    else:
        doc = read_document(path)
        title = doc.header.get("title", "")
        body = "".join(f"<p>{html.escape(line)}</p>\n" for line in doc.text.split("\n"))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}'
            f"</title></head><body>{body}</body></html>")


def convert(sources: list[Path], fmt: str, outdir: Path) -> None:
    """LibreOffice saves each source in `outdir` as `fmt` (a private profile: runs can overlap)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", FILTERS[fmt], "--outdir", str(outdir),
                        *map(str, sources)], check=True, capture_output=True, timeout=600)


def word_files(sources: dict[str, tuple[str, ...]], out: Path, flat: bool = False) -> None:
    """Each corpus report in `sources` as the Word formats it names, in `out` (or out/<fmt>/)."""
    with tempfile.TemporaryDirectory() as tmp:
        pages: dict[str, list[Path]] = {}
        for source, formats in sources.items():
            page = Path(tmp) / (Path(source).stem + ".html")
            page.write_text(article_html(ROOT / "corpus" / source), encoding="utf-8")
            for fmt in formats:
                pages.setdefault(fmt, []).append(page)
        for fmt, group in pages.items():
            target = out if flat else out / fmt
            target.mkdir(parents=True, exist_ok=True)
            convert(group, "doc" if fmt == "wps" else fmt, Path(tmp) / fmt)
            for page in group:
                made = Path(tmp) / fmt / (page.stem + (".docx" if fmt == "docx" else ".doc"))
                shutil.copyfile(made, target / (page.stem + "." + fmt))


def merged_cells_docx(out: Path) -> None:
    """A synthetic 2021-format application table with a cell merged across and one merged down."""
    import docx  # python-docx: only for making fixtures

    document = docx.Document()
    document.add_paragraph("某区测试局2021年政府信息公开工作年度报告")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=4, cols=9)
    head = ["本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", "", "申请人情况"]
    for i, text in enumerate(head):
        table.cell(0, i).text = text
    table.cell(0, 0).merge(table.cell(1, 1))      # 2 x 2 block: across and down
    table.cell(0, 2).merge(table.cell(0, 8))      # across
    for i, text in enumerate(["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                              "其他", "总计"]):
        table.cell(1, 2 + i).text = text
    table.cell(2, 0).text = "一、本年新收政府信息公开申请数量"
    table.cell(2, 0).merge(table.cell(2, 1))
    table.cell(3, 0).text = "二、上年结转政府信息公开申请数量"
    table.cell(3, 0).merge(table.cell(3, 1))
    for row, values in ((2, "5 1 0 0 0 2 8"), (3, "1 0 0 0 0 0 1")):
        for i, value in enumerate(values.split()):
            table.cell(row, 2 + i).text = value
    document.add_paragraph("六、其他需要报告的事项")
    document.add_paragraph("本机关无其他需要报告的事项。")
    document.core_properties.title = "某区测试局2021年政府信息公开工作年度报告"
    document.save(out)


def encrypted_docx(plain: Path, out: Path) -> None:
    """`plain` encrypted with a password: an OLE file holding an EncryptedPackage stream."""
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    with plain.open("rb") as f:
        OOXMLFile(f).encrypt("gongkai", encrypted)
    out.write_bytes(encrypted.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=int, help="write N corpus reports as .txt/.docx/.doc")
    args = parser.parse_args()
    if args.bench:
        out = ROOT / "bench/out/word"
        shutil.rmtree(out, ignore_errors=True)
        files = [f for f, _ in iter_files([ROOT / "corpus"]) if is_candidate(f)][:args.bench]
        sources = {f.relative_to(ROOT / "corpus").as_posix(): ("docx", "doc") for f in files}
        word_files(sources, out)
        (out / "txt").mkdir()
        for f in files:
            shutil.copyfile(f, out / "txt" / f.name)
        print(f"{len(files)} reports -> {out}/{{txt,docx,doc}}")
        return
    FIXTURES.mkdir(parents=True, exist_ok=True)
    word_files(REPORTS, FIXTURES, flat=True)
    merged_cells_docx(FIXTURES / "merged-cells.docx")
    encrypted_docx(FIXTURES / "merged-cells.docx", FIXTURES / "encrypted.docx")
    for f in sorted(FIXTURES.iterdir()):
        print(f"{f.stat().st_size:7} {f.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
