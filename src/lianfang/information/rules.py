"""Pure policy for information release and the hotline: the bulletin's states, its text in the style of
the city's official notices, the briefing outline, and the keyword-based suggestion of a ticket's class
and theme with the reply deadline per class. Nothing here reads the clock or the database.

Sources:
- MISSION R24-R25 (S0, S4): situation analysis, public-opinion monitoring, press conferences,
  information release and policy explanation. The bulletin's wording follows the city health
  commission's daily notices quoted in issue 11 ("10月24日0时至24时，新增本土确诊病例X例……").
  RULES.md gives no bulletin format: the sentence order here is derived from those notices.
- 12345 hotline: RULES.md §4 names the 12345 hotline as the channel for health-code pop-up objections
  (「如您对弹窗有异议，可咨询12345市民热线」), hence the health-code link. RULES.md gives no ticket classes,
  keywords or reply deadlines: the four classes are issue 11's (appeal, complaint, question, rumour);
  keywords and the deadlines (`DEADLINE_HOURS`) are derived defaults of this edition, to be confirmed by
  the office. A rumour is answered fastest (辟谣要快), appeals and complaints the same day (不过夜)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from lianfang.core.errors import Problem

EDITION = "info-2022-10"

STATUSES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "Draft"),
    "approved": ("已审核", "Approved"),
    "published": ("已发布", "Published"),
    "superseded": ("已更正（被新版本替代）", "Superseded by a correction"),
}
EDITABLE = frozenset({"draft", "approved"})  # editing an approved draft takes the approval back
TITLE_MAX, BODY_MAX = 200, 20_000

CHANNELS: dict[str, tuple[str, str]] = {
    "hotline": ("12345热线", "12345 hotline"),
    "web": ("网站留言", "Website message"),
    "social": ("网络舆情", "Social media"),
    "media": ("媒体问询", "Press enquiry"),
    "letter": ("来信来访", "Letter or visit"),
}
CLASSES: dict[str, tuple[str, str]] = {
    "appeal": ("诉求", "Appeal"),
    "complaint": ("投诉", "Complaint"),
    "question": ("咨询", "Question"),
    "rumour": ("谣言", "Rumour"),
}
THEMES: dict[str, tuple[str, str]] = {
    "health_code": ("健康码", "Health code"),
    "testing": ("核酸检测", "Nucleic-acid testing"),
    "isolation": ("隔离管控", "Isolation and control"),
    "supplies": ("生活物资", "Daily supplies"),
    "medical": ("就医需求", "Medical care"),
    "travel": ("出行返京", "Travel and return"),
    "vaccination": ("疫苗接种", "Vaccination"),
    "other": ("其他", "Other"),
}
# Keywords per class, in the order they are tried (the first class with a hit wins).
CLASS_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rumour", ("谣言", "谣传", "听说", "网传", "据说", "是真的吗", "转发", "封城", "rumour", "rumor")),
    ("complaint", ("投诉", "举报", "态度", "不作为", "乱收费", "刁难", "complain", "report")),
    ("appeal", ("申诉", "求助", "诉求", "请求", "帮忙", "解决", "弹窗", "错误", "appeal", "help")),
    ("question", ("咨询", "请问", "怎么", "如何", "能否", "可以", "吗", "?", "？", "how", "what")),
)
THEME_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("health_code", ("健康码", "弹窗", "黄码", "红码", "绿码", "健康宝", "health code", "pop-up")),
    ("testing", ("核酸", "采样", "检测", "testing", "swab")),
    ("isolation", ("隔离", "管控", "封控", "密接", "居家", "quarantine", "isolation")),
    ("supplies", ("物资", "买菜", "蔬菜", "粮油", "价格", "超市", "supplies", "groceries", "price")),
    ("medical", ("就医", "看病", "医院", "透析", "孕", "急诊", "买药", "hospital", "medicine")),
    ("travel", ("返京", "进京", "出行", "行程", "高速", "火车", "航班", "travel", "flight")),
    ("vaccination", ("疫苗", "接种", "加强针", "vaccine", "booster")),
)
POPUP_WORDS = ("弹窗", "健康宝", "pop-up", "popup")
DEFAULT_CLASS = "question"
# Reply deadlines per class (hours from logging); derived defaults, see the module docstring.
DEADLINE_HOURS: dict[str, int] = {"rumour": 2, "appeal": 12, "complaint": 24, "question": 24}
TEXT_MAX = 4_000


# Tickets -----------------------------------------------------------------------------------------------


def _first_hit(text: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    lowered = text.lower()
    for code, words in table:
        if any(word in lowered for word in words):
            return code
    return None


def suggest_class(text: str) -> str:
    """The class a ticket's text suggests; the operator's choice overrides it."""
    return _first_hit(text, CLASS_KEYWORDS) or DEFAULT_CLASS


def suggest_theme(text: str) -> str:
    return _first_hit(text, THEME_KEYWORDS) or "other"


def is_popup(text: str, theme: str) -> bool:
    """A ticket about a health-code pop-up: the operator is offered the appeal entry page."""
    lowered = text.lower()
    return theme == "health_code" and any(word in lowered for word in POPUP_WORDS)


def ticket_deadline(ticket_class: str, now: datetime) -> datetime:
    return now + timedelta(hours=DEADLINE_HOURS.get(ticket_class, DEADLINE_HOURS[DEFAULT_CLASS]))


def ticket_problems(channel: str, text: str, ticket_class: str | None, theme: str | None) -> list[Problem]:
    problems: list[Problem] = []
    if channel not in CHANNELS:
        problems.append(Problem("channel", "来源渠道无效", "channel: " + " | ".join(CHANNELS)))
    if not text.strip():
        problems.append(Problem("text", "请填写来电或留言内容", "the ticket needs its text"))
    elif len(text) > TEXT_MAX:
        problems.append(
            Problem("text", f"内容不超过{TEXT_MAX}字", f"the text has at most {TEXT_MAX} characters")
        )
    if ticket_class is not None and ticket_class not in CLASSES:
        problems.append(Problem("ticket_class", "分类无效", "ticket_class: " + " | ".join(CLASSES)))
    if theme is not None and theme not in THEMES:
        problems.append(Problem("theme", "主题无效", "theme: " + " | ".join(THEMES)))
    return problems


def district_path(path: str) -> str:
    """ "/1/4/17/" -> "/1/4/": the district a path lies in (the city itself for the city's own path)."""
    ids = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(ids[:2]) + "/"


# Bulletins ---------------------------------------------------------------------------------------------


def text_problems(title_zh: str, title_en: str, body_zh: str, body_en: str) -> list[Problem]:
    problems: list[Problem] = []
    for field, value, limit in (
        ("title_zh", title_zh, TITLE_MAX),
        ("title_en", title_en, TITLE_MAX),
        ("body_zh", body_zh, BODY_MAX),
        ("body_en", body_en, BODY_MAX),
    ):
        if not value.strip():
            problems.append(
                Problem(
                    field, "标题和正文（中英文）不能为空", "titles and texts (both languages) are required"
                )
            )
        elif len(value) > limit:
            problems.append(Problem(field, f"不超过{limit}字", f"at most {limit} characters"))
    return problems


def day_problem(day: date, today: date) -> Problem | None:
    """A bulletin reports on a day that has begun: today's (a running count) or an earlier one."""
    if day > today:
        return Problem("day", "不能为未来的日期生成通报", "a bulletin cannot report on a future day")
    return None


def _n(figures: Mapping[str, Any], *keys: str) -> int:
    value: Any = figures
    for key in keys:
        value = value.get(key, {}) if isinstance(value, Mapping) else {}
    return int(value) if isinstance(value, int) else 0


def titles(figures: Mapping[str, Any]) -> tuple[str, str]:
    day = date.fromisoformat(str(figures["day"]))
    area = str(figures.get("area", ""))
    return (
        f"{area}{day.year}年{day.month}月{day.day}日新冠肺炎疫情情况",
        f"COVID-19 daily bulletin, {day.day} {day.strftime('%B')} {day.year}",
    )


def _zh_cases(f: Mapping[str, Any], day: date) -> str:
    lc, la = _n(f, "cases", "local", "confirmed"), _n(f, "cases", "local", "asymptomatic")
    ic, ia = _n(f, "cases", "imported", "confirmed"), _n(f, "cases", "imported", "asymptomatic")
    head = f"{day.month}月{day.day}日0时至24时，"
    if lc + la == 0:
        text = head + "无新增本土确诊病例和无症状感染者"
    else:
        text = head + f"新增本土确诊病例{lc}例、无症状感染者{la}例"
    text += f"；新增输入确诊病例{ic}例、无症状感染者{ia}例。" if ic + ia else "；无新增输入病例。"
    unknown = _n(f, "cases", "unknown", "confirmed") + _n(f, "cases", "unknown", "asymptomatic")
    if unknown:
        text += f"另有{unknown}例感染来源正在调查。"
    return text


def _en_cases(f: Mapping[str, Any], day: date) -> str:
    lc, la = _n(f, "cases", "local", "confirmed"), _n(f, "cases", "local", "asymptomatic")
    ic, ia = _n(f, "cases", "imported", "confirmed"), _n(f, "cases", "imported", "asymptomatic")
    head = f"From 0:00 to 24:00 on {day.day} {day.strftime('%B')}, "
    if lc + la == 0:
        text = head + "no new local confirmed cases or asymptomatic infections were reported"
    else:
        text = head + f"{lc} new local confirmed cases and {la} local asymptomatic infections were reported"
    text += (
        f"; {ic} imported confirmed cases and {ia} imported asymptomatic infections."
        if ic + ia
        else ("; no new imported cases.")
    )
    unknown = _n(f, "cases", "unknown", "confirmed") + _n(f, "cases", "unknown", "asymptomatic")
    if unknown:
        text += f" The source of {unknown} more is under investigation."
    return text


FOUND_BY_WORDS: dict[str, tuple[str, str]] = {
    "under_control": ("在隔离管控中发现", "were found among people already under control"),
    "community_screening": ("为社区筛查发现", "through community screening"),
    "clinic": ("为就诊发现", "at clinics"),
    "arrival_screening": ("为入返人员筛查发现", "by arrival screening"),
}


def body(figures: Mapping[str, Any]) -> tuple[str, str]:
    """The bulletin's text in Chinese and English, one paragraph per subject."""
    f, day = figures, date.fromisoformat(str(figures["day"]))
    zh, en = [_zh_cases(f, day)], [_en_cases(f, day)]
    total = sum(_n(f, "found_by", k) for k in FOUND_BY_WORDS)
    if total:
        parts = [(k, _n(f, "found_by", k)) for k in FOUND_BY_WORDS if _n(f, "found_by", k)]
        zh.append("新增感染者中，" + "，".join(f"{n}例{FOUND_BY_WORDS[k][0]}" for k, n in parts) + "。")
        en.append(
            "Of the new infections, " + "; ".join(f"{n} {FOUND_BY_WORDS[k][1]}" for k, n in parts) + "."
        )
    districts = [d for d in f.get("districts", []) if d.get("confirmed", 0) + d.get("asymptomatic", 0)]
    if districts:
        zh.append(
            "本土感染者分布："
            + "，".join(f"{d['name']}{d['confirmed'] + d['asymptomatic']}例" for d in districts)
            + "。"
        )
        en.append(
            "Local infections by district: "
            + ", ".join(f"{d['name']} {d['confirmed'] + d['asymptomatic']}" for d in districts)
            + "."
        )
    found, controlled = _n(f, "contacts", "found"), _n(f, "contacts", "controlled")
    zh.append(f"当日判定密切接触者及密接的密接{found}人，已落实管控措施{controlled}人。")
    en.append(
        f"{found} close and secondary contacts were identified that day; {controlled} are under control."
    )
    at = str(f.get("orders_at", ""))[:16].replace("T", " ")
    oc, oh, om = (_n(f, "orders", k) for k in ("centralised", "home_quarantine", "home_monitoring"))
    zh.append(f"截至{at}，尚在集中隔离医学观察{oc}人、居家隔离医学观察{oh}人、居家健康监测{om}人。")
    en.append(
        f"As of {at}, {oc} people are in centralised isolation, {oh} in home quarantine and "
        f"{om} under home health monitoring."
    )
    high, medium = _n(f, "risk_areas", "high"), _n(f, "risk_areas", "medium")
    zh.append(f"本市现有高风险区{high}个、中风险区{medium}个。")
    en.append(f"The city has {high} high-risk and {medium} medium-risk areas.")
    rounds, sampled = _n(f, "testing", "rounds"), _n(f, "testing", "sampled")
    if rounds:
        zh.append(f"当日完成区域核酸检测{rounds}轮，采样{sampled}人次。")
        en.append(f"{rounds} area testing rounds were completed that day, with {sampled} people sampled.")
    return "\n\n".join(zh), "\n\n".join(en)


def briefing(figures: Mapping[str, Any], themes: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """The press-conference outline (发布会提纲): the points a spokesperson covers, from the same figures;
    `themes` are the day's hotline themes with their counts, most frequent first."""
    f, day = figures, date.fromisoformat(str(figures["day"]))
    local = _n(f, "cases", "local", "confirmed") + _n(f, "cases", "local", "asymptomatic")
    imported = _n(f, "cases", "imported", "confirmed") + _n(f, "cases", "imported", "asymptomatic")
    total = sum(_n(f, "found_by", k) for k in FOUND_BY_WORDS)
    share = f"{_n(f, 'found_by', 'under_control') * 100 // total}%" if total else "—"
    found, controlled = _n(f, "contacts", "found"), _n(f, "contacts", "controlled")
    centralised = _n(f, "orders", "centralised")
    high, medium = _n(f, "risk_areas", "high"), _n(f, "risk_areas", "medium")
    rounds, sampled = _n(f, "testing", "rounds"), _n(f, "testing", "sampled")
    points = [
        (
            f"一、疫情概况：{day.month}月{day.day}日新增本土感染者{local}例、输入感染者{imported}例，"
            f"管控中发现占{share}。",
            f"1. Situation: {local} new local and {imported} imported infections on {day.isoformat()}; "
            f"{share} found under control.",
        ),
        (
            f"二、流调与管控：判定密接{found}人，已管控{controlled}人；集中隔离{centralised}人。",
            f"2. Tracing and control: {found} contacts identified, {controlled} controlled; "
            f"{centralised} in centralised isolation.",
        ),
        (
            f"三、风险区域：高风险区{high}个、中风险区{medium}个。",
            f"3. Risk areas: {high} high, {medium} medium.",
        ),
        (
            f"四、核酸检测：完成{rounds}轮，采样{sampled}人次。",
            f"4. Testing: {rounds} rounds, {sampled} people sampled.",
        ),
    ]
    if themes:
        zh = "、".join(f"{THEMES[t][0]}{n}件" for t, n in themes[:3] if t in THEMES)
        en = ", ".join(f"{THEMES[t][1]} {n}" for t, n in themes[:3] if t in THEMES)
        points.append((f"五、市民关切（12345热线）：{zh}，逐一回应。", f"5. Public concerns (12345): {en}."))
    return points
