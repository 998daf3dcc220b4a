"""Pharmacy sales of the four medicine classes (退热、止咳、抗病毒、抗菌素) with the buyer's identity, and the
testing duty (pop-up ④, RULES.md §4.3) each sale raises for the buyer.

The duty is a durable row (`testing_duties`): started at the sale, cleared by a nucleic-acid result for a
sample taken after it. The health-code module (a later issue) derives pop-up ④ from the open rows or
from the `MedicineBuyerFlagged` event, and calls `clear_testing_duties` when such a result arrives.
A sale is idempotent on (pharmacy, receipt number): sending the same receipt again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from lianfang.core import audit
from lianfang.core.clock import local_date
from lianfang.core.context import Ctx
from lianfang.core.errors import Conflict, Invalid, Problem
from lianfang.people.models import Person
from lianfang.people.rules import id_hash, id_number_problem, mask_id, name_problem, normalise_id_number
from lianfang.unithealth import repository, rules
from lianfang.unithealth.access import reporting_unit
from lianfang.unithealth.events import MedicineBuyerFlagged, TestingDutyCleared
from lianfang.unithealth.models import PharmacySale, TestingDuty


@dataclass(frozen=True)
class SaleInput:
    client_ref: str
    id_number: str
    buyer_name: str
    medicine_class: str
    medicine_name: str
    quantity: int = 1
    sold_at: datetime | None = None


def record_sale(ctx: Ctx, unit_id: int, data: SaleInput) -> tuple[PharmacySale, TestingDuty, bool]:
    """(sale, the buyer's open duty, created). A repeated receipt returns the first sale unchanged."""
    unit = reporting_unit(ctx.session, ctx.actor, unit_id)
    ref = data.client_ref.strip()
    problems = rules.sale_problems(data.medicine_class, data.medicine_name, data.quantity, ref)
    if unit.kind != "pharmacy":
        problems.insert(
            0, Problem("unit_id", "只有药店可以登记药品销售", "only pharmacies record medicine sales")
        )
    number = normalise_id_number(data.id_number)
    id_problem = id_number_problem(number, local_date(ctx.now))
    if id_problem is not None:
        problems.append(id_problem)
    buyer_problem = name_problem(data.buyer_name, "buyer_name")
    if buyer_problem is not None:
        problems.append(buyer_problem)
    sold_at: datetime | None = None
    if data.sold_at is not None and data.sold_at.tzinfo is None:
        problems.append(Problem("sold_at", "销售时间缺少时区", "the sale time has no time zone"))
    else:
        sold_at = (data.sold_at or ctx.now).astimezone(UTC)
    if sold_at is not None and sold_at > ctx.now:
        problems.append(Problem("sold_at", "销售时间不能晚于现在", "the sale time is in the future"))
    if problems:
        raise Invalid(problems)
    assert sold_at is not None
    hashed = id_hash(ctx.settings, "resident_id", number)
    existing = repository.sale_by_ref(ctx.session, unit.id, ref)
    if existing is not None:
        if existing.buyer_id_hash != hashed or existing.medicine_class != data.medicine_class:
            raise Conflict(
                "该小票号已登记了另一笔销售", "this receipt number is already used for another sale"
            )
        duty = repository.open_duty(ctx.session, hashed, rules.DUTY_REASON_MEDICINE)
        if duty is None:
            duty = ctx.session.scalars(
                select(TestingDuty)
                .where(TestingDuty.source_type == "pharmacy_sale", TestingDuty.id_hash == hashed)
                .order_by(TestingDuty.id.desc())
                .limit(1)
            ).one()
        return existing, duty, False
    person = ctx.session.scalar(select(Person).where(Person.id_hash == hashed))
    sale = PharmacySale(
        unit_id=unit.id,
        jurisdiction_path=unit.jurisdiction_path,
        client_ref=ref,
        buyer_id_hash=hashed,
        buyer_id_masked=mask_id(number),
        buyer_name=data.buyer_name.strip(),
        buyer_person_id=person.id if person else None,
        medicine_class=data.medicine_class,
        medicine_name=data.medicine_name.strip(),
        quantity=data.quantity,
        sold_at=sold_at,
        recorded_by_label=ctx.actor.label,
        created_at=ctx.now,
    )
    ctx.session.add(sale)
    ctx.session.flush()
    duty = repository.open_duty(ctx.session, hashed, rules.DUTY_REASON_MEDICINE)
    new_duty = duty is None
    if duty is None:
        duty = TestingDuty(
            id_hash=hashed,
            person_id=sale.buyer_person_id,
            jurisdiction_path=unit.jurisdiction_path,
            reason=rules.DUTY_REASON_MEDICINE,
            popup=rules.POPUP_MEDICINE,
            rule_edition=rules.EDITION,
            source_type="pharmacy_sale",
            source_id=sale.id,
            clears_on=rules.DUTY_CLEARS_ON,
            started_at=sold_at,
        )
        ctx.session.add(duty)
        ctx.session.flush()
    audit.record(
        ctx,
        "unithealth.sale.recorded",
        "pharmacy_sale",
        sale.id,
        unit.jurisdiction_path,
        unit_id=unit.id,
        buyer=sale.buyer_id_masked,
        person_id=sale.buyer_person_id,
        medicine_class=sale.medicine_class,
        duty_id=duty.id,
        new_duty=new_duty,
    )
    ctx.publish(
        MedicineBuyerFlagged(
            duty.id, sale.id, hashed, sale.buyer_person_id, sale.medicine_class, duty.started_at, new_duty
        )
    )
    return sale, duty, True


def clear_testing_duties(ctx: Ctx, hashed_id: str, tested_at: datetime, source: str) -> list[TestingDuty]:
    """Clear the open duties of a person (by identity hash) that a sample taken at `tested_at` satisfies.
    Called by the module that learns of results (testing / health codes), as the system."""
    cleared = []
    for duty in repository.open_duties(ctx.session, hashed_id):
        if rules.duty_cleared_by(duty.started_at, tested_at):
            duty.cleared_at, duty.cleared_by = ctx.now, source[:120]
            cleared.append(duty)
            audit.record(
                ctx, "unithealth.duty.cleared", "testing_duty", duty.id, duty.jurisdiction_path, source=source
            )
            ctx.publish(TestingDutyCleared(duty.id, duty.id_hash, duty.person_id, ctx.now))
    return cleared
