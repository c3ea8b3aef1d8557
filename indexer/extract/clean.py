"""Web chrome around crawled report bodies: where the report starts and where it ends.

Crawled pages carry the site around the article: a navigation menu and breadcrumbs
("当前位置：首页…"), the page's own byline ("发布时间：… 来源：… 字号：大 中 小",
"2017-12-31 00:00 稿件作者: 浏览量:- 【浏览字体:", "微信 微博 QQ空间 … 相关链接： -->") and
footers ("附件下载：", "扫一扫在手机打开当前页", "打印 关闭", "翻译 搜索 复制", "电脑版",
"主办单位", "网站标识码"). `body_bounds` returns one contiguous span, so chrome inside the
report (a byline under the title) stays; only a head and a tail made of chrome are cut.

Lines of page tools at the very top ("用微信扫描二维码分享", "打印本页", "关闭窗口") are skipped.
The rule is "when unsure, keep": the head is cut only at a byline marker found near the start
and then only up to the report title when the title sits just above the byline; the tail is cut
only while what remains at the end is made of known chrome words.
"""

from __future__ import annotations

import re

# A page byline ends the head chrome: the report (or its title) follows it.
_BYLINE = re.compile(
    r"字号[：:]?\s*(?:[大中小]\s*){3}\|?"
    r"|【浏览字体[：:]?[^\n】]*】?"
    r"|相关链接[：:]?\s*-->"
    r"|^\s*当前位置[：:][^\n]{0,60}$", re.MULTILINE)
_HEAD_WINDOW = 1500          # bylines further in are report text, not page chrome
_TITLE = re.compile(r"(?:\d{4}\s*年|年度|年报).*(?:报告|年报|提纲)|(?:报告|年报)\s*$")
# Lines between a title and the byline that are byline furniture, not report text.
_BYLINE_LINE = re.compile(r"^\s*(?:\||发布时间[：:].*|来源[：:].*|时间[：:].*|[大中小]|\d{4}-\d\d-\d\d[\s\d:]*"
                          r"|\d{4}-\d\d-\d\d.*(?:稿件作者|浏览量).*)?\s*$")

# Footer words that make up a page's tail (each whole, separated by whitespace).
_TAIL_WORD = re.compile(
    r"(?:附件下载[：:]?|附件[：:]|扫一扫在手机打开当前页|打印本页|关闭窗口|打印|关闭|相关文章|翻译|搜索|复制"
    r"|\||电脑版|手机版|分享到[：:]?|返回顶部|【打印】|【关闭】)")
_TAIL_LINE = re.compile(r"^\s*(?:主办单位|承办单位|网站标识码|版权所有|ICP备|[京闽浙]ICP|网站地图)")


# Lines at the top made only of page tools ("用微信扫描二维码分享", "打印本页", "关闭窗口").
_HEAD_CHROME_LINE = re.compile(r"^[ \t\u3000]*(?:(?:用微信扫描二维码分享|扫一扫在手机打开当前页|分享到[：:]?|打印本页|关闭窗口"
                               r"|【打印】|【关闭】|打印|关闭|\|)[ \t\u3000]*)+$")


def body_bounds(text: str) -> tuple[int, int]:
    """(start, end) of the report body inside crawled text: 0 <= start <= end <= len(text)."""
    start = _skip_head_chrome(text, _head_end(text))
    end = _tail_start(text, start)
    return start, max(start, end)


def _head_end(text: str) -> int:
    """Where the report starts: after the last byline in the head, or at a title just above it."""
    last = None
    for match in _BYLINE.finditer(text, 0, min(len(text), _HEAD_WINDOW)):
        last = match
    if last is None:
        return 0
    before = text[: last.start()]
    lines = before.split("\n")
    # Walk up over byline furniture (date, 来源, 字号, "|") to the title line.
    offset = len(before)
    for line in reversed(lines):
        offset -= len(line)
        if _BYLINE_LINE.match(line):
            offset -= 1
            continue
        if _TITLE.search(line) and len(line.strip()) <= 80:
            return _skip_space(text, offset)
        break
    return _skip_space(text, last.end())


def _skip_head_chrome(text: str, pos: int) -> int:
    """Past the lines of page tools that open the body (a byline may sit above or below them)."""
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if not _HEAD_CHROME_LINE.match(text[pos:end]):
            break
        pos = _skip_space(text, end)
    return pos


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _tail_start(text: str, start: int) -> int:
    """Where the report ends: before a tail made only of footer words and footer lines."""
    end = len(text)
    while end > start:
        stripped = text[start:end].rstrip()
        end = start + len(stripped)
        line_start = text.rfind("\n", start, end) + 1
        line = text[max(line_start, start):end]
        if _TAIL_LINE.match(line):
            end = max(line_start, start)
            continue
        # The last whitespace-separated word of the line.
        word_start = end - len(re.split(r"\s", line)[-1])
        word = text[word_start:end]
        if word and _TAIL_WORD.fullmatch(word) and (word_start == line_start or
                                                   text[word_start - 1].isspace()):
            end = word_start
            continue
        break
    return end
