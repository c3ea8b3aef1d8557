"""What a report body says about itself when it has no title line and no crawl header.

Reports copied out of a page, a PDF or a Word file often lose the title; the agency and the year
are then in the text itself. Rules, on text with traditional characters folded:

- a sentence naming the report: "由<机关>编制的<年>年政府信息公开年度报告", "由<机关>编制本报告",
  "现公布<年>年<机关>政府信息公开工作年度报告" / "现公布<机关>（以下简称…）<年>年…",
  "现编制<学年><大学>信息公开工作报告", "本报告由<机关>（根据…）编制", "<机关>编制<年>年…年度报告",
  "梳理编制<机关><年>年…年报";
- a notice wrapping the report ("…关于印发<机关><年>年政府信息公开工作年度报告的通知", in the body or
  as the page title): the report's own title is the one inside, never the notice's agency;
- the closing signature: an agency line at the end, optionally followed by a date line
  (2020年1月15日, 二〇二〇年一月十五日) or by a date on the same line; a date whose digits a
  crawler lost ("201911日") is no date;
- lines at the top that are not the report: a 文号/签发人 line, the page's own index
  (索引号/发布机构/生成日期…, whose 发布机构 is a fallback agency), breadcrumbs, page tools
  ("用微信扫描二维码分享", "字号 大 中 小", "打印本页", "关闭窗口");
- a page <title> without the site after it ("… - 甲市人民政府").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = r"[^，,。；;：:、《》“”\"（）()\s]"
_REPORT = r"(?:政府|政务)?(?:信息公开|政务公开|资讯公开)(?:工作)?(?:年度)?(?:报告|年报)"
# A year, or an academic year counted as the year it starts ("2023—2024学年").
_YEAR_RE = r"(?P<year>(?:19|20)\d\d)(?:年度?|[-—–~至](?:19|20)\d\d学年度?)"
# "（以下简称湖北总队）" after an agency's name
_ALIAS_ONE = r"[（(](?:以下简称|下称|简称)[^（()）]{1,20}[）)]"
_ALIAS = rf"(?:{_ALIAS_ONE})?"
# Sentences that name the report: (agency, year) from the groups, the report title from `title`.
_STATEMENTS = [
    re.compile(rf"由(?P<agency>{_NAME}{{2,30}}?){_ALIAS}(?:负责)?编制(?:的?(?P<title>{_YEAR_RE}{_REPORT})"
               rf"|(?:本|此|该)(?:年度)?(?:报告|年报))"),
    re.compile(rf"现(?:将|予)?(?:公布|发布|印发|编制)(?P<title>{_YEAR_RE}(?P<agency>{_NAME}{{2,30}}?){_REPORT})"),
    re.compile(rf"现(?:将|予)?(?:公布|发布|印发|编制)(?P<title>(?P<agency>{_NAME}{{2,30}}?){_ALIAS}{_YEAR_RE}{_REPORT})"),
    re.compile(rf"(?:本|该)(?:年度)?(?:报告|年报)[^。]{{0,40}}?由(?P<agency>{_NAME}{{2,30}}?)"
               rf"(?:负责|组织|汇总|牵头)?(?:(?:根据|依据|按照)[^。]{{0,80}}?)?(?:编制|编写|制作|起草)"),
    re.compile(rf"(?:^|[，,。；;])(?P<agency>{_NAME}{{2,30}}?)(?:编制|形成)(?:了)?(?P<title>{_YEAR_RE}"
               rf"{_NAME}{{0,12}}?{_REPORT})"),
    re.compile(rf"(?:梳理|特)?编制(?:了)?(?P<title>(?P<agency>{_NAME}{{2,30}}?){_YEAR_RE}{_REPORT})"),
]
_NOTICE = re.compile(rf"^{_NAME}{{0,40}}?关于(?:印发|公布|发布|公开)《?(?P<title>{_NAME}{{2,50}}?{_REPORT})》?的通知")
# A township's internal office compiles its report on its behalf and is never a reporting unit
# (a government's 办公室 is one: "人民政府办公室" stays as printed).
# "海关总署（本级机关）", "广州海关关区": a scope after the agency is not part of its name.
_NOT_OF_NAME = re.compile(r"(?<=政府)(?:党政办公室|党政办)$|[（(][^（()）]{1,10}[）)]$|(?<=海关)关区$")

_CN_NUM = "〇零一二三四五六七八九十"
DATE_LINE = re.compile(rf"^(?:(?:19|20)\d\d年(?:1[0-2]|0?[1-9])月(?:3[01]|[12]\d|0?[1-9])日"
                       rf"|[{_CN_NUM}]{{4}}年[{_CN_NUM}]{{1,2}}月[{_CN_NUM}]{{1,3}}日)$")
# Lines above a report that are not part of it: the page's own index (索引号：… 发布机构：…),
# a document number, a signer, the page's tools.
_LABEL = (r"(?:文号|发文字号|签发人|索引号|发布机构|发文机关|发布日期|成文日期|生成日期|主题分类|组配分类|体裁分类"
          r"|信息来源|来源|发布时间|更新时间|公开方式|公开范围|公开时限|有效性|所属机构|责任部门|浏览次数|点击次数|点击数"
          r"|阅读次数|分类)")
_SKIP_LINE = re.compile(
    rf"^(?:{_LABEL}[：:].*"
    r"|[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d+号"
    r"|.{0,10}首页\s*[>＞»/].*"
    r"|用微信扫描二维码分享|扫一扫在手机打开当前页|分享到[：:]?.*|字号[：:]?[\[【]?[大中小]{3}[\]】]?|打印本页|关闭窗口"
    r"|【?打印】?|【?关闭】?|\|)$")
_PUBLISHER = re.compile(rf"(?:发布机构|发文机关)[：:](?P<name>.+?)(?={_LABEL}[：:]|$)")
_TRAILING_DATE = re.compile(r"(?:(?:19|20)\d\d年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九十]{4}年[〇零一二三四五六七八九十]{1,2}月"
                            r"[〇零一二三四五六七八九十]{1,3}日)$")


@dataclass
class Statement:
    """What a sentence of the body says: the agency, the year, the report's title as written."""

    agency: str | None
    year: int | None
    title: str | None
    start: int          # where the title (or the sentence) starts in the squashed text
    end: int


def statement_of(flat: str) -> Statement | None:
    """The first sentence naming the report's agency or year in `flat` (squashed, folded text)."""
    found = []
    for pattern in _STATEMENTS:
        match = pattern.search(flat)
        if match:
            found.append(match)
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    groups = match.groupdict()
    agency = trim_agency(groups["agency"]) if groups.get("agency") else None
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("title"):
        return Statement(agency, year, groups["title"], match.start("title"), match.end("title"))
    return Statement(agency, year, None, match.start(), match.end())


def drop_alias(title: str) -> str:
    """A title without the "（以下简称…）" a sentence put after its agency."""
    return re.sub(_ALIAS_ONE, "", title)


def trim_agency(name: str) -> str:
    """An agency name without what is not part of it (a township's office, a scope)."""
    return _NOT_OF_NAME.sub("", name)


def notice_title_span(flat: str) -> tuple[int, int] | None:
    """The span of the report's own title when `flat` opens with a notice that wraps it (a notice
    only cited in the text is not a wrapper)."""
    match = _NOTICE.match(flat)
    return match.span("title") if match else None


def skip_lines(text: str) -> int:
    """Offset of the first line that is not a 文号/签发人 line or page chrome."""
    pos = 0
    for line in text.split("\n"):
        squashed = re.sub(r"\s+", "", line)
        if squashed and not _SKIP_LINE.match(squashed):
            break
        pos += len(line) + 1
        if pos > 2000:
            return 0
    return min(pos, len(text))


def signature_lines(lines: list[str]) -> list[str]:
    """The closing lines (squashed, last first) with a trailing date line dropped, and a date
    printed on the agency's own line ("甲市统计局 2021年1月20日") cut off."""
    tail: list[str] = []
    for raw in reversed(lines):
        line = re.sub(r"\s+", "", raw)
        if line:
            tail.append(line)
            if len(tail) == 15:
                break
    if tail and DATE_LINE.match(tail[0]):
        tail = tail[1:]
    if tail:
        tail[0] = _TRAILING_DATE.sub("", tail[0]) or tail[0]
    return tail


def page_publisher(text: str) -> str | None:
    """The 发布机构 of a page's own index printed above the report (索引号：… 发布机构：…)."""
    for line in text[:skip_lines(text)].split("\n"):
        match = _PUBLISHER.search(re.sub(r"\s+", "", line))
        if match:
            return match.group("name")
    return None


def header_title_of(title: str) -> str:
    """A page <title> without the site after it ("…年度报告 - 甲市人民政府", "…年报|甲县政府网"), and
    a notice's title as the title of the report it wraps ("关于印发<报告>的通知" -> <报告>)."""
    for part in re.split(r"\s+[-－—–|｜_]+\s+|[|｜_]", title.strip()):
        if re.search(r"(?:报告|年报|報告|年報)\s*$", part):
            title = part
            break
    span = notice_title_span(re.sub(r"\s+", "", title))
    return re.sub(r"\s+", "", title)[span[0]:span[1]] if span else title
