"""`lianfang sim` end to end, through the CLI on the test database (SQLite, or PostgreSQL with
LIANFANG_TEST_DATABASE_URL): row counts equal the engine's output, identity numbers decrypt, the tree and
references hold, the ground truth is there, a second load with the same seed gives the same rows, a
non-empty database is refused, and the app's people list then works for a district user."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from lianfang.checkins.models import Scan
from lianfang.core.clock import local_date, utcnow
from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Household, Person
from lianfang.people.rules import id_hash, id_number_problem, phone_hash
from lianfang.sim import CityChunk, TravelChunk, TruthChunk, VisitChunk, run, truth_queries
from lianfang.sim.models import SimInfection, SimPersonTruth, SimRun, SimTravel, SimUnscannedVisit
from lianfang.units.models import Unit, UnitMembership
from lianfang.venues.models import Venue
from lianfang.venues.rules import is_code
from tests.factories.accounts import bearer, make_user

ARGS = ("--persons", "2000", "--days", "5", "--seed", "7", "--scenario", "traveller-cluster")


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _expected() -> dict[str, int]:
    counts = dict.fromkeys(("scans", "unscanned", "trips", "infections"), 0)
    for item in run(2000, 5, seed=7, scenario="traveller-cluster"):
        if isinstance(item, CityChunk):
            city = item.city
            counts |= {
                "jurisdictions": 1 + len(city.districts) + len(city.streets) + len(city.communities),
                "households": len(city.households),
                "people": len(city.persons),
                "units": len(city.units),
                "venues": len(city.venues),
                "memberships": int((city.persons.unit >= 0).sum()),
            }
        elif isinstance(item, VisitChunk):
            counts["scans"] += int(item.visits.scanned.sum())
            counts["unscanned"] += int((~item.visits.scanned).sum())
        elif isinstance(item, TravelChunk):
            counts["trips"] += len(item.trips)
        elif isinstance(item, TruthChunk):
            counts["infections"] = len(item.truth.infections)
    return counts


@pytest.fixture
def loaded(sim_cli: Any, session: Session) -> Any:
    result = sim_cli(*ARGS)
    assert result.exit_code == 0, result.output
    return result


def test_rows_match_the_engine(loaded: Any, session: Session) -> None:
    want = _expected()
    assert "realism:" in loaded.output and "scanned_share: 0.8" in loaded.output
    assert _count(session, Jurisdiction) == want["jurisdictions"]
    assert _count(session, Household) == want["households"]
    assert _count(session, Person) == want["people"]
    assert _count(session, Unit) == want["units"]
    assert _count(session, Venue) == want["venues"]
    assert _count(session, UnitMembership) == want["memberships"]
    assert _count(session, Scan) == want["scans"] > 0
    assert _count(session, SimUnscannedVisit) == want["unscanned"] > 0
    assert _count(session, SimTravel) == want["trips"] > 0
    assert _count(session, SimInfection) == want["infections"] > 0
    assert _count(session, SimPersonTruth) == want["people"]
    assert _count(session, SimRun) == 1


def test_identity_numbers_decrypt_to_valid_numbers(loaded: Any, session: Session, settings: Any) -> None:
    keys = vault(settings)
    today = local_date(utcnow())
    people = session.scalars(select(Person).order_by(Person.id)).all()
    for person in people:
        number = keys.open(person.id_sealed)
        assert id_number_problem(number, today) is None, number
        assert person.id_masked == number[:2] + "*" * 14 + number[-2:]
    for person in people[::50]:
        number = keys.open(person.id_sealed)
        assert person.id_hash == id_hash(settings, "resident_id", number)
        assert person.birth_date is not None and number[6:14] == f"{person.birth_date:%Y%m%d}"
        assert person.sex == ("M" if int(number[16]) % 2 else "F")
        phone = keys.open(person.phone_sealed or "")
        assert (
            person.phone_hash == phone_hash(settings, phone)
            and person.phone_masked == phone[:3] + "****" + phone[-4:]
        )
    assert len({p.pseudonym for p in people}) == len(people)
    assert {(p.id_kind, p.nationality) for p in people} == {("resident_id", "CHN")}
    assert all(p.household_id and p.address.endswith("室") for p in people)


def test_registry_values_are_the_vocabularies_of_the_modules(loaded: Any, session: Session) -> None:
    from lianfang.units.rules import EDUCATION_KINDS, PLACING_KINDS, ROLES
    from lianfang.units.rules import KINDS as UNIT_KINDS
    from lianfang.venues.rules import KINDS as VENUE_KINDS

    venues = session.scalars(select(Venue)).all()
    assert {v.status for v in venues} == {"open"} and {v.kind for v in venues} <= set(VENUE_KINDS)
    units = {u.id: u for u in session.scalars(select(Unit))}
    assert {u.kind for u in units.values()} <= set(UNIT_KINDS) and all(u.active for u in units.values())
    members = session.scalars(select(UnitMembership)).all()
    assert {m.role for m in members} <= set(ROLES)
    for m in members:
        if m.role in ("student", "teacher"):
            assert units[m.unit_id].kind in EDUCATION_KINDS
        if m.role == "student":
            assert m.group_name
        if m.via_unit_id is not None:
            assert units[m.via_unit_id].kind in PLACING_KINDS and m.via_unit_id != m.unit_id
    assert any(m.via_unit_id for m in members)


def test_tree_paths_and_references(loaded: Any, session: Session) -> None:
    tree = {j.id: j for j in session.scalars(select(Jurisdiction))}
    levels = {"city": 0, "district": 0, "street": 0, "community": 0}
    for j in tree.values():
        levels[j.level] += 1
        parent = tree.get(j.parent_id) if j.parent_id else None
        assert j.path == (parent.path if parent else "/") + f"{j.id}/"
        assert j.geometry and '"Polygon"' in j.geometry
        if parent:
            assert j.code.startswith(parent.code if parent.level != "city" else "11")
    assert levels["city"] == 1 and levels["district"] == 16 and levels["community"] >= 16
    wrong_path = session.scalar(
        select(func.count()).select_from(Person).join(Jurisdiction, Person.community_id == Jurisdiction.id)
        .where(Person.jurisdiction_path != Jurisdiction.path)
    )  # fmt: skip
    assert wrong_path == 0
    codes = session.scalars(select(Venue.code)).all()
    assert all(is_code(c) for c in codes) and len(set(codes)) == len(codes)


def test_scans_refer_to_loaded_venues_and_people(loaded: Any, session: Session) -> None:
    orphans = session.execute(
        text(
            "SELECT count(*) FROM scans s LEFT JOIN venues v ON v.id = s.venue_id "
            "LEFT JOIN people p ON p.id = s.person_id WHERE v.id IS NULL OR p.id IS NULL"
        )
    ).scalar_one()
    assert orphans == 0
    scans = session.scalars(select(Scan).order_by(Scan.id).limit(500)).all()
    for scan in scans:
        assert scan.source == "sim" and scan.stay_until > scan.scanned_at
        assert local_date(scan.scanned_at) == scan.scan_date
    run_row = session.scalars(select(SimRun)).one()
    days = session.scalars(select(Scan.scan_date).distinct()).all()
    assert min(days) == run_row.start_date and len(days) == 5


def test_ground_truth_refers_to_loaded_people(loaded: Any, session: Session) -> None:
    run_row = session.scalars(select(SimRun)).one()
    assert (run_row.seed, run_row.scenario, run_row.persons, run_row.days) == (
        7,
        "traveller-cluster",
        2000,
        5,
    )
    rows = truth_queries.infections(session, run_row.id)
    people = set(session.scalars(select(Person.id)))
    assert {r.infectee_id for r in rows} <= people
    assert {r.infector_id for r in rows if r.infector_id is not None} <= people
    assert any(r.setting == "imported" and r.infector_id is None for r in rows)
    incidence = truth_queries.daily_incidence(session, run_row.id)
    assert int(incidence.local.sum() + incidence.imported.sum()) == len(rows)
    infected = session.scalar(
        select(func.count()).where(
            SimPersonTruth.run_id == run_row.id, SimPersonTruth.infected_day.is_not(None)
        )
    )
    assert infected == len({r.infectee_id for r in rows})
    never = truth_queries.never_scanned(session, run_row.id)
    assert never and not session.scalar(
        select(func.count()).select_from(Scan).where(Scan.person_id.in_(never))
    )


def _snapshot(session: Session) -> dict[str, object]:
    return {
        "counts": [_count(session, m) for m in (Person, Household, Unit, Venue, Scan, SimInfection)],
        "people": session.execute(
            select(Person.id, Person.name, Person.id_hash, Person.pseudonym, Person.jurisdiction_path)
            .order_by(Person.id).limit(20)
        ).all(),
        "scans": session.execute(
            select(Scan.id, Scan.venue_id, Scan.person_id, Scan.scanned_at, Scan.stay_until)
            .order_by(Scan.id).limit(50)
        ).all(),
        "venues": session.execute(select(Venue.code, Venue.name).order_by(Venue.id).limit(20)).all(),
        "infections": session.execute(
            select(SimInfection.infectee_id, SimInfection.infector_id, SimInfection.infected_at)
            .order_by(SimInfection.id)
        ).all(),
    }  # fmt: skip


def test_same_seed_same_rows_and_refusal(loaded: Any, sim_cli: Any, session: Session) -> None:
    first = _snapshot(session)
    refused = sim_cli(*ARGS)
    assert refused.exit_code == 1 and "already holds people" in refused.output
    again = sim_cli(*ARGS, "--replace")
    assert again.exit_code == 0, again.output
    session.expire_all()
    assert _snapshot(session) == first
    assert _count(session, SimRun) == 1  # --replace removed the earlier run


def test_a_district_user_lists_people(loaded: Any, ctx: Ctx, client: TestClient) -> None:
    chaoyang = ctx.session.scalars(select(Jurisdiction).where(Jurisdiction.code == "110105")).one()
    user = make_user(ctx, "district_command", chaoyang)
    ctx.session.commit()
    response = bearer(client, user).get("/api/people", params={"limit": 20})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 20
    paths = ctx.session.scalars(
        select(Person.jurisdiction_path).where(Person.id.in_([i["id"] for i in items]))
    )
    assert all(p.startswith(chaoyang.path) for p in paths)
    elsewhere = ctx.session.scalar(
        select(Person.id).where(~Person.jurisdiction_path.startswith(chaoyang.path))
    )
    assert bearer(client, user).get(f"/api/people/{elsewhere}").status_code == 404


def test_unknown_scenario_and_bad_date(sim_cli: Any) -> None:
    assert sim_cli("--scenario", "nope").exit_code == 2
    assert sim_cli("--start-date", "2021-13-01").exit_code == 2


def test_scans_get_day_partitions_on_postgres(loaded: Any, session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only")
    from lianfang.checkins.partitions.repository import existing_partitions

    run_row = session.scalars(select(SimRun)).one()
    parts = existing_partitions(session)
    days = [run_row.start_date + np.timedelta64(i, "D").astype(object) for i in range(5)]
    assert all(day in parts for day in days)
    assert session.execute(text("SELECT count(*) FROM scans_default")).scalar_one() == 0
    indexes = session.execute(
        text("SELECT count(*) FROM pg_indexes WHERE tablename = :t"), {"t": parts[days[0]]}
    ).scalar_one()
    assert indexes == 4  # the partition got the parent's key, unique constraint and two indexes
