"""Heading vocabulary: the cues that name a canonical section, the words a heading ends with,
the sentence announcing how many parts a report has, and Chinese numerals.

Cues are matched in *squeezed* heading text (whitespace removed, `candidate.squeeze`).
"""

from __future__ import annotations

import re

# (slug, priority, cue) matched in squeezed heading text. A priority-3 cue names one thing only
# and wins over the broader 2 and 1: "依申请公开政府信息的收费及减免情况" is about fees.
CUES: tuple[tuple[str, int, str], ...] = (
    ("overview", 1, (r"概述|概况|总体情况|基本(工作)?情况|工作情况|组织领导|机构建设|保障经费"
                     r"|工作机制|主要(做法|措施)|主要任务落实")),
    ("proactive", 2, r"^政府信息公开的?情况$|主动公开|重点领域|重点工作|回应解读|解读回应|政策解读|回应(社会|公众)?关切"
                      # universities (高等学校信息公开办法): "信息公开的方式和途径", "信息公开清单"
                      r"|信息公开的?(方式|途径|渠道|清单)"),
    ("requests", 2, r"依申请|依法申请|申请公开|收到和处理|不予公开|公开申请(的)?(办理|处理|受理)?情况"),
    ("fees", 3, r"收费|减免"),
    ("appeals", 3, r"行政复议|行政诉讼|复议|诉讼|申诉|投诉举报"),
    ("problems", 3, (r"存在的?(主要)?问题|主要问题|问题(和|及|与)?(改进|整改)|改进(措施|情况|方向)"
                     r"|工作打算|下一?步(工作)?(打算|计划|安排|思路)|整改(计划|措施)|努力方向")),
    ("other", 3, r"其他需要|需要(报告|说明)的(其他)?事项|其他(应|需)?(报告|说明)?的?事项|说明的?事项"),
    ("appendix", 3, r"^附件|^附表|^附[:：]|统计表|附表"),
)
_CUE_RES = [(slug, prio, re.compile(pattern)) for slug, prio, pattern in CUES]

# Words a heading ends with; what follows the last one in a run-on line is body text.
TAIL = re.compile(r"情况|措施|事项|概述|概况|附表|附件|统计表|方向|打算|计划|困难")
TAIL_END = re.compile("(?:" + TAIL.pattern + ")$")

_EXPECTED = re.compile(r"(?:由|包括|包含)[^。]{2,200}?([二三四五六七八九十])个?(?:部分|方面)")


def numeral(value: str) -> int:
    """一 .. 九十九 as an int."""
    digits = {c: i + 1 for i, c in enumerate("一二三四五六七八九")}
    if "十" not in value:
        return digits.get(value[-1], 0)
    tens, _, units = value.partition("十")
    return digits.get(tens, 1) * 10 + digits.get(units, 0)


def classify(heading: str) -> str | None:
    """The canonical slug a (squeezed) heading text names, or None."""
    best = None
    for slug, prio, cue in _CUE_RES:
        m = cue.search(heading)
        if m and m.start() <= 30 and (best is None or (prio, -m.start()) > best[0]):
            best = ((prio, -m.start()), slug)
    return best[1] if best else None


def expected_sections(text: str) -> int | None:
    """How many parts the introduction says the report has ("…等六部分组成"), if it says."""
    m = _EXPECTED.search(re.sub(r"\s+", "", text[:2000]))
    return numeral(m.group(1)) if m else None
