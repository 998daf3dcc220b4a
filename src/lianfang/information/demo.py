"""Demo data for `lianfang demo`: yesterday's bulletin generated from the simulated outbreak, approved
and published, a policy explanation page, and a few 12345 hotline tickets routed to districts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.information.bulletins import service as bulletins
from lianfang.information.tickets import service as tickets
from lianfang.jurisdictions.models import Jurisdiction

CALLS = (
    ("hotline", "健康宝弹窗了，我最近没有去过风险地区，请帮忙解决", "13800138001"),
    ("hotline", "请问小区核酸检测点几点开始采样？", "13800138002"),
    ("social", "网传明天全市封城，是真的吗？", ""),
    ("hotline", "居家隔离期间买不到蔬菜，请社区帮忙", "13800138003"),
    ("web", "投诉某检测点排队时间太长，工作人员态度不好", ""),
)
POLICY = bulletins.TextInput(
    "返京人员健康管理政策解读",
    "Health management of people returning to the city",
    "有中高风险地区旅居史的人员返京前请主动报备，抵达后按要求进行核酸检测并做好健康监测。\n\n"
    "如对健康码弹窗有异议，可拨打12345市民热线。",
    "People who stayed in a medium- or high-risk area report before returning, take the required "
    "nucleic-acid tests on arrival and monitor their health.\n\nTo dispute a health-code pop-up, call 12345.",
)


def seed_information(office: Ctx) -> str:
    """`office`: a context whose actor is the city office (city_command)."""
    item = bulletins.generate(office, local_date(office.now) - timedelta(days=1))
    bulletins.approve(office, item.id)
    bulletins.publish(office, item.id)
    bulletins.save_policy(office, None, POLICY, published=True)
    districts = list(
        office.session.scalars(
            select(Jurisdiction).where(Jurisdiction.level == "district").order_by(Jurisdiction.id).limit(3)
        )
    )
    logged = 0
    for n, (channel, text, phone) in enumerate(CALLS):
        if not districts:
            break
        owner = districts[n % len(districts)]
        tickets.log_ticket(office, tickets.TicketInput(channel, text, owner.id, caller_phone=phone))
        logged += 1
    return f"information: bulletin of {item.day} published, {logged} hotline tickets routed"
