"""The product's vocabulary: one name for each concept a report, an index and a page share.

Section slugs and their labels, figure keys and their labels, the facets. Extraction fills records
with these names, search filters and counts by them, pages label them; nobody defines them twice.
"""

from __future__ import annotations

# The canonical sections (REPORTS.md, "Canonical sections"), in report order, with their labels.
SECTION_LABELS: dict[str, str] = {
    "preamble": "前言", "overview": "总体情况", "proactive": "主动公开", "requests": "依申请公开",
    "fees": "收费及减免", "appeals": "复议与诉讼", "problems": "问题与改进", "other": "其他事项",
    "appendix": "附件",
}
SECTION_SLUGS: tuple[str, ...] = tuple(SECTION_LABELS)

# Every figure a report can give (key -> label), and the main ones (the columns of a stats table).
FIGURE_LABELS: dict[str, str] = {
    "proactive_published": "主动公开信息条数",
    "requests_received": "本年新收申请",
    "requests_carried_over": "上年结转申请",
    "requests_granted": "予以公开",
    "requests_partly_granted": "部分公开",
    "requests_refused": "不予公开",
    "requests_unable": "无法提供",
    "requests_not_processed": "不予处理",
    "requests_other": "其他处理",
    "requests_total": "办理结果总计",
    "requests_carried_forward": "结转下年度继续办理",
    "fees_collected": "收费（元）",
    "reconsiderations": "行政复议总计",
    "lawsuits": "行政诉讼总计",
    "lawsuits_direct": "未经复议直接起诉总计",
    "lawsuits_after_reconsideration": "复议后起诉总计",
    "refused_state_secret": "不予公开：属于国家秘密",
    "refused_law_prohibited": "不予公开：其他法律行政法规禁止公开",
    "refused_safety_stability": "不予公开：危及“三安全一稳定”",
    "refused_third_party": "不予公开：保护第三方合法权益",
    "refused_internal_affairs": "不予公开：属于三类内部事务信息",
    "refused_process_info": "不予公开：属于四类过程性信息",
    "refused_enforcement_file": "不予公开：属于行政执法案卷",
    "refused_query_matter": "不予公开：属于行政查询事项",
    "unable_not_exist": "无法提供：本机关不掌握相关政府信息",
    "unable_need_create": "无法提供：没有现成信息需要另行制作",
    "unable_unclear": "无法提供：补正后申请内容仍不明确",
    "not_processed_petition": "不予处理：信访举报投诉类申请",
    "not_processed_repeat": "不予处理：重复申请",
    "not_processed_publication": "不予处理：要求提供公开出版物",
    "not_processed_mass_repeat": "不予处理：无正当理由大量反复申请",
    "not_processed_confirm": "不予处理：要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "其他处理：申请人逾期不补正",
    "other_no_fee": "其他处理：申请人逾期未缴纳费用",
    "other_other": "其他处理：其他",
}
MAIN_FIGURES: tuple[str, ...] = (
    "proactive_published", "requests_received", "requests_carried_over", "requests_granted",
    "requests_partly_granted", "requests_refused", "requests_unable", "requests_not_processed",
    "requests_other", "requests_total", "requests_carried_forward", "fees_collected",
    "reconsiderations", "lawsuits",
)
FIGURE_KEYS: tuple[str, ...] = tuple(FIGURE_LABELS)

# The facets a search counts and filters by, in the order pages show them.
FACETS: tuple[str, ...] = ("agency", "year", "section", "province", "city")
# The facets that are a value of the whole report (section is a value of a part of it).
REPORT_FACETS: tuple[str, ...] = ("agency", "year", "province", "city")
FACET_LABELS: dict[str, str] = {
    "agency": "机关", "year": "年度", "section": "章节", "province": "省份", "city": "城市",
}
