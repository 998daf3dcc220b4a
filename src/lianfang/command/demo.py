"""The command organisation for `make demo` (seed.seed_demo calls seed_command): the leadership group
and its office, working groups and member units with their duties ("一办十九组", as a city might define
them), linked city leaders, the 129th meeting with decisions sent to districts and groups, a work group
in Changping with a finding, an incident in Chaoyang, forces with one reassignment, and a fresh board."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.command.board.refresh import refresh
from lianfang.command.forces import service as forces_service
from lianfang.command.incidents import service as incidents_service
from lianfang.command.meetings import service as meetings_service
from lianfang.command.missions import service as missions_service
from lianfang.command.models import CommandBody
from lianfang.command.organisation import service as organisation
from lianfang.core.context import Ctx
from lianfang.jurisdictions.models import Jurisdiction

BODIES = [
    ("leadership", "leadership", "北京新冠肺炎疫情防控工作领导小组", "统一领导、指挥全市疫情防控工作", ""),
    ("office", "office", "领导小组办公室", "统筹协调、调度督办，确保市里部署要求不过夜", ""),
    ("group", "community", "社区防控组", "指导街乡镇、社区(村)落实排查、健康管理和封控措施", ""),
    ("group", "testing", "核酸检测组", "统筹采样点、检测机构和检测力量", ""),
    ("group", "tracing", "流调溯源组", "统筹流调力量，组织跨区流调协查", ""),
    ("group", "medical", "医疗救治和院感防控组", "医疗救治、医疗机构院感防控检查", ""),
    ("group", "entry", "进京管理组", "远端管控、进返京人员管理", ""),
    ("group", "health", "爱国卫生组", "环境整治、消毒和爱国卫生运动", ""),
    ("group", "supply", "市场保供组", "市场保供稳价", ""),
    ("group", "publicity", "宣传组", "新闻发布、政策解读和舆情引导", ""),
    ("member", "health-commission", "市卫生健康委", "医疗救治、疾控和院感防控", "medical"),
    ("member", "commerce", "市商务局", "商超、市场防疫和保供", "supply"),
    ("member", "education", "市教委", "学校疫情防控", "community"),
    ("member", "public-security", "市公安局", "流调协查、信息核查", "tracing"),
]
LEADERS = {"110114": ("联系昌平区的市领导", "副市长"), "110105": ("联系朝阳区的市领导", "副市长")}
FORCES = [
    ("investigation", "市疾控流调一队", 40, "110105"),
    ("investigation", "海淀区流调队", 30, "110108"),
    ("sampling", "朝阳区采样队", 120, "110105"),
    ("sampling", "东城区采样队", 80, "110101"),
    ("sealing", "昌平区封控队", 60, "110114"),
    ("transfer", "市急救中心转运队", 25, "110105"),
]


def seed_command(system: Ctx, office: Ctx, district: Ctx, leader_username: str) -> str:
    """`office`: a city command user's context; `district`: Chaoyang's district command."""
    if system.session.scalar(select(CommandBody.id).limit(1)) is not None:
        return "command organisation already loaded"
    codes = {
        j.code: j
        for j in system.session.scalars(select(Jurisdiction).where(Jurisdiction.level == "district"))
    }
    made: dict[str, CommandBody] = {}
    for n, (kind, code, name, duties, parent) in enumerate(BODIES):
        data = organisation.BodyInput(
            kind=kind,
            code=code,
            name=name,
            duties=duties,
            parent_id=made[parent].id if parent else None,
            sort=n,
        )
        made[code] = organisation.save_body(office, None, data)
    for code, (name, title) in LEADERS.items():
        if code in codes:
            organisation.set_leader(office, codes[code].id, name, title, leader_username)
    meeting = meetings_service.create_meeting(
        office,
        "北京新冠肺炎疫情防控工作领导小组会议暨首都严格进京管理联防联控协调机制会议",
        "第一百二十九次",
        office.now - timedelta(hours=2),
        "组长",
        "研究调度疫情处置工作；确保落实市里部署要求不过夜。",
    )
    with_cases = [codes[c].id for c in ("110105", "110114") if c in codes]
    decisions = [
        ("加快流调溯源，第一时间锁定高风险人员", with_cases, ["tracing"]),
        (
            "感染者居住地、工作和活动场所立即封控，范围内人员做好核酸检测",
            with_cases,
            ["testing", "community"],
        ),
        ("公共场所和社区、单位严格扫码登记", [j.id for j in codes.values()], []),
        ("加强私人诊所、小诊所、药店防疫检查", [], ["medical", "health-commission"]),
    ]
    for title, districts, groups in decisions:
        meetings_service.issue_directive(
            office,
            title=title,
            district_ids=districts,
            body_ids=[made[g].id for g in groups],
            meeting_id=meeting.id,
        )
    if "110114" in codes:
        mission = missions_service.send_mission(
            office,
            codes["110114"].id,
            "加强防疫指导和督办",
            "市工作组组长",
            "市卫健委、市疾控、市公安局各1人",
        )
        missions_service.add_finding(
            office, mission.id, "部分小区门岗扫码查验不严", "立行立改，今日报整改情况"
        )
    if "110105" in codes:
        incidents_service.report_incident(
            district,
            jurisdiction_id=codes["110105"].id,
            occurred_at=district.now - timedelta(minutes=40),
            place="朝阳区某大型超市",
            summary="一名确诊病例昨日曾到访该超市",
            measures="超市已关闭，当日到访人员按场所码推送核酸检测提示",
        )
    teams = []
    for kind, name, size, code in FORCES:
        if code in codes:
            teams.append(
                forces_service.create_force(
                    office, kind=kind, name=name, size=size, jurisdiction_id=codes[code].id
                )
            )
    if "110114" in codes and teams:
        forces_service.move_forces(office, [teams[0].id], codes["110114"].id, "支援昌平区流调")
    refresh(system)
    return f"command: {len(made)} bodies, 1 meeting, {len(decisions)} decisions, {len(teams)} teams"
