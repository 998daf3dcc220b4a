"""The demo's vaccination records: most simulated people get a primary course (product and dates drawn
from their person id, so a re-run of the same city gives the same doses), many adults a booster, so the
coverage page and the due list have content. Doses go in with one bulk insert per chunk; statuses and
the coverage table are then computed by the module's own refresh."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lianfang.config import Settings
from lianfang.core.access import SYSTEM
from lianfang.core.clock import local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.events import EventBus
from lianfang.people.models import Person
from lianfang.vaccination import refresh, rules
from lianfang.vaccination.models import VaccinationDose

# Products by share of doses (inactivated vaccines were most of China's primary courses).
MIX = ("sinopharm_bibp",) * 5 + ("sinovac",) * 4 + ("sinopharm_wibp",) * 2 + ("cansino", "zf2001")
SITES = (
    ("BJ-CY-001", "朝阳区社区卫生服务中心接种点"),
    ("BJ-HD-002", "海淀区临时接种点"),
    ("BJ-XC-003", "西城区体育馆接种点"),
)
CHUNK = 5_000


def _doses_of(person_id: int, birth: date | None, today: date) -> list[tuple[int, str, date]]:
    """(dose number, product, day) for one simulated person: none for the under-3s and one in ten of the
    rest; the primary course 7-11 months ago (3 weeks between doses); a booster for half the adults
    whose course is old enough. A few courses are left incomplete."""
    spread = (person_id * 2654435761) % 1_000_003  # a fixed shuffle of ids
    age = rules.age_on(birth, today) if birth is not None else 40
    if age < 3 or spread % 10 == 0:
        return []
    product = MIX[spread % len(MIX)]
    course = rules.primary_doses(product)
    first = today - timedelta(days=210 + spread % 150)
    given = course if spread % 17 else max(1, course - 1)
    doses = [(n, product, first + timedelta(days=21 * (n - 1))) for n in range(1, given + 1)]
    completed = doses[-1][2]
    boosted_on = rules.add_months(completed, rules.BOOSTER_INTERVAL_MONTHS) + timedelta(days=spread % 20)
    if given == course and age >= 18 and spread % 2 and boosted_on <= today:
        doses.append((course + 1, "sinopharm_bibp" if product != "cansino" else "cansino", boosted_on))
    return doses


def demo_vaccination(session: Session, settings: Settings) -> str:
    ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
    today = local_date(ctx.now)
    people = session.execute(select(Person.id, Person.birth_date).order_by(Person.id)).all()
    rows: list[dict[str, Any]] = []
    vaccinated: list[int] = []
    for person_id, birth in people:
        own = _doses_of(person_id, birth, today)
        if own:
            vaccinated.append(person_id)
        site_code, site_name = SITES[person_id % len(SITES)]
        for number, product, day in own:
            rows.append(
                {
                    "person_id": person_id,
                    "dose_number": number,
                    "product": product,
                    "dosed_on": day,
                    "site_code": site_code,
                    "site_name": site_name,
                    "batch": f"{day:%Y%m}{person_id % 7:02d}",
                    "source": "demo",
                    "record_key": None,
                    "created_by": "demo",
                    "created_at": ctx.now,
                    "updated_at": ctx.now,
                }
            )
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(VaccinationDose), rows[start : start + CHUNK])
    refresh.recompute_statuses(ctx, vaccinated)
    refresh.refresh_coverage(ctx)
    return f"vaccination: {len(rows):,} doses for {len(vaccinated):,} people, coverage refreshed"
