"""Title, agency and year of a report, read from its body first and its crawl header second.

Rules read the text with traditional characters folded (`folded`); lines above the report (a
文号/签发人 line, a page's own index, breadcrumbs, page tools) are skipped (`metadata_body`).

- title: the title block at the top of the body (a document number such as "莆统〔2020〕7 号"
  skipped, lines joined, crawler whitespace removed; the report's own title when a notice wraps it),
  else the header title (the site after it dropped), else the title a sentence names
  ("现公布…2020年政府信息公开工作年度报告"). Kept as printed.
- agency: the agency named in the title ("江北区教育局2016年度…", "2017年湘桥区教育局…"); a bare
  place ("莆田市2015年度…") is that place's 人民政府 (a bare 镇/乡 too; a 街道 its 办事处). Else a
  sentence of the body ("由<机关>编制…", "本报告由<机关>…编制"), else a line of its own near the top
  or the closing signature, else the header's 发布机构 (or the page's own, printed above the
  report; never a web site's name: it names who published the page). A line of its own near the top or in the signature that extends it
  with a place prefix ("潮州市湘桥区教育局" for "湘桥区教育局") wins, being the fuller form. Every
  agency must end in an agency suffix (局, 委员会, 办公室, 人民政府, 大学, 公司 …): never a fragment.
- year: the year reported on, from the title (an academic year "2020-2021学年" is 2020), else the
  statistics period ("统计期限…2016年1月1日至2016年12月31日"), else an opening
  "本年度报告…2008年度", else the sentence naming the report, else a report title quoted further in;
  never the publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.extract.folded import fold_han
from indexer.extract.metadata_body import Statement, drop_alias, header_title_of, notice_title_span, page_publisher, \
    signature_lines, skip_lines, statement_of, trim_agency


@dataclass
class Metadata:
    """What a report says about itself."""

    title: str | None
    agency: str | None
    year: int | None
    published: str | None
    url: str | None


AGENCY_SUFFIXES = (
    "大学", "学校", "公司", "集团", "海关", "人民政府", "政府", "委员会", "管委会", "管理委员会", "办公室", "办公厅", "实验区", "开发区", "新区",
    "领导小组", "中心", "局", "委", "厅", "院", "所", "站", "队", "办", "署", "会", "处", "部", "社", "馆",
)
_PLACE_END = re.compile(r"(?:省|自治区|市|州|盟|县|旗|区|镇|乡)$")
# An agency word inside a name: "…海关关区" is not a place whose 人民政府 reports.
_HAS_AGENCY = re.compile(r"海关|局|委员会|管委会|办公室|公司|大学|学院|医院")
_PLACE_PREFIX = re.compile(r"(?:[\u4e00-\u9fff]{1,7}(?:省|自治区|市|州|盟|县|旗|区))+")
_SPACE = re.compile(r"\s+")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d+号")
# 资讯公开: the Taiwan term (政府資訊公開), as folded from traditional characters.
_DISCLOSURE = r"(?:政府信息公开|政府资讯公开|信息公开|政务公开|资讯公开)"
_TITLE = re.compile(
    r"^(?P<title>(?:[^。，；！？《》（）()：:、,;]|[（(][^（()）。，]{1,10}[）)]){2,60}?(?:信息公开|政务公开|资讯公开)"
    r"[^。，；《》（）()：:、,;]{0,16}?(?:年度报告提纲|年度报告|工作报告|报告提纲|年报|报告|总结))")
# An academic year ("2020-2021学年", universities) counts as the year it starts.
_YEAR = re.compile(r"(20[0-4]\d|19[89]\d)(?:年|\s*[-—–~至]\s*(?:19|20)\d\d\s*学年)")
_PERIOD = re.compile(r"(?:统计|时限|期限|时间|数据)[^。]{0,30}?(20[0-4]\d)年(?:度|1月1日|01月01日)")
_OPENING_YEAR = re.compile(r"(20[0-4]\d)年度?(?:[^。]{0,12})" + _DISCLOSURE + r"(?:工作)?(?:年度)?"
                           r"(?:报告|年报)")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_NOT_AGENCY = re.compile(r"[。，,；;：:、《》“”\"]|网站|门户|^(?:我|本|该|全|各|市府办$)")


def squash(text: str) -> str:
    """Text with all whitespace removed (crawled text breaks lines and numbers anywhere)."""
    return _SPACE.sub("", text)


def extract_metadata(text: str, header: dict[str, str]) -> Metadata:
    """Metadata of a report body and its crawl header.

    Rules read the text with traditional characters folded (`extract.folded`); the title keeps
    the characters as printed, the agency is the folded (simplified) name, the facet value that
    groups an agency's reports whatever script they were printed in."""
    folded = fold_han(text)
    start = skip_lines(folded)
    printed_title, body_title = _body_title(text[start:], folded[start:])
    printed_header = squash(header_title_of(header.get("title") or "")) or None
    header_title = fold_han(printed_header, like=text) if printed_header else None
    flat = squash(folded[start:start + 1500])
    said = statement_of(flat)
    title = printed_title or printed_header
    if body_title and header_title and header_title.endswith(body_title):
        title = printed_header  # the body dropped the agency line: "2008\n年政府信息公开…"
    if title is None and said and said.title:
        title = drop_alias(squash(text[start:start + 1500])[said.start:said.end])
    publisher = header.get("publisher") or page_publisher(folded)
    agency = agency_of(folded, body_title, header_title, publisher, said)
    year = year_of(folded, body_title, header_title) or (said.year if said else None)
    if year is None:
        year = _late_year(folded)
    return Metadata(title, agency, year, published_of(header), _url_of(header))


def _body_title(text: str, folded: str) -> tuple[str | None, str | None]:
    """(title as printed, title folded) of the title block at the top of the body."""
    span = body_title_span(folded)
    if span is None:
        return None, None
    return squash(text[:600])[span[0]:span[1]], squash(folded[:600])[span[0]:span[1]]


def body_title_span(text: str) -> tuple[int, int] | None:
    """Where the title block is in the squashed first 600 characters, or None.

    A notice wrapping the report ("关于印发…年度报告的通知") gives the report's own title."""
    head = squash(text[:600])
    notice = notice_title_span(head)
    if notice:
        return notice
    offset = 0
    number = _DOC_NUMBER.match(head)
    if number:
        offset = number.end()
    match = _TITLE.match(head, offset)
    if not match:
        return None
    title = match.group("title")
    # A title carries its year and stands alone: "政府信息公开工作年度报告，是…" is a sentence.
    following = head[match.end():match.end() + 1]
    if not re.search(r"\d{4}", title) or following in set("，。、；：,;:是的予"):
        return None
    return match.span("title")


def year_of(text: str, body_title: str | None, header_title: str | None) -> int | None:
    """The year reported on: title, else statistics period, else the opening sentence."""
    for title in (body_title, header_title):
        if title:
            match = _YEAR.search(title)
            if match:
                return int(match.group(1))
    flat = squash(text[:4000])
    for pattern in (_PERIOD, _OPENING_YEAR):
        match = pattern.search(flat)
        if match:
            return int(match.group(1))
    return None


def _late_year(text: str) -> int | None:
    """The year of a report title quoted anywhere in the body ("…2020年度政府信息公开工作报告")."""
    match = _OPENING_YEAR.search(squash(text))
    return int(match.group(1)) if match else None


def title_agency(title: str | None) -> str | None:
    """The agency a title names: before its year, or between year and 政府信息公开."""
    if not title:
        return None
    match = re.match(r"^(?P<before>.*?)(?:(?:19|20)\d\d年度?|(?:19|20)\d\d[-—–~至](?:19|20)\d\d学年度?|年度)"
                     r"(?P<after>.*?)" + _DISCLOSURE, title)
    if not match:
        match = re.match(r"^(?P<before>.*?)(?P<after>)" + _DISCLOSURE, title)
        if not match:
            return None
    name = match.group("before") or match.group("after")
    name = re.sub(r"(?:关于|的)$", "", name)
    name = trim_agency(name)
    if not name:
        return None
    if not is_agency(name) and _PLACE_END.search(name) and not _HAS_AGENCY.search(name):
        name += "人民政府"     # "莆田市2015年度…": the city government's own report
    elif not is_agency(name) and name.endswith("街道"):
        name += "办事处"       # "龙桥街道2020年…": the sub-district office's own report
    return name if is_agency(name) else None


def is_agency(name: str | None) -> bool:
    """Whether a string reads as an agency name (ends in an agency suffix, no sentence marks)."""
    return bool(name) and 2 < len(name) <= 30 and name.endswith(AGENCY_SUFFIXES) \
        and not _NOT_AGENCY.search(name)


def agency_of(text: str, body_title: str | None, header_title: str | None,
              publisher: str | None, said: Statement | None = None) -> str | None:
    """The agency as the report names itself, in its fullest form.

    Order: the title's agency; a sentence of the body naming it; a line of its own at the top or
    the closing signature; the header's 发布机构 (never a web site's name: "XX市人民政府网站")."""
    base = title_agency(body_title) or title_agency(header_title)
    if base is None and said and is_agency(said.agency):
        base = said.agency
    if base is None:
        # The report's own lines (top, signature) before the page's 发布机构, which names whoever
        # published the page (often the city government's site, not the reporting agency).
        own = next((line for line in _own_lines(text) if is_agency(line)), None)
        publisher = squash(re.sub(r"^[A-Za-z0-9]+-", "", publisher or ""))
        return own or (publisher if is_agency(publisher) else None)
    # Fuller: the same agency with its place in front ("潮州市" + "湘桥区教育局").
    fuller = [line for line in _own_lines(text)
              if line != base and line.endswith(base) and is_agency(line)
              and _PLACE_PREFIX.fullmatch(line[: -len(base)])]
    return max(fuller, key=len) if fuller else base


def _own_lines(text: str) -> list[str]:
    """Short lines near the top and in the signature (a closing date line dropped)."""
    raw = text[skip_lines(text):].split("\n")
    return [line for line in _first_lines(raw, 6) + signature_lines(raw)[::-1]
            if len(line) <= 30]


def _first_lines(lines: list[str], count: int) -> list[str]:
    """The first `count` lines that are not blank, whitespace removed (squashing only those)."""
    found = []
    for line in lines:
        line = squash(line)
        if line:
            found.append(line)
            if len(found) == count:
                break
    return found


def published_of(header: dict[str, str]) -> str | None:
    """The header's publication date as YYYY-MM-DD, or None when it is not a date."""
    match = _DATE.match((header.get("published") or "").strip())
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _url_of(header: dict[str, str]) -> str | None:
    url = (header.get("url") or "").strip()
    return url if url.startswith(("http://", "https://")) else None
