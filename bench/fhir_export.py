"""FHIR export of a district's 10,000 cases (`interop.fhir.service.export_district`), each case with its
person, one test result, two doses, two confirmed contacts and one control order: about 110,000
resources in one Bundle. Beside it, in the same run, the baseline: reading the same rows (cases, people,
results, doses, contacts, orders) with plain SELECTs and serialising them as they are with orjson.

Run: `.venv/bin/python -m bench.fhir_export` (SQLite in a temporary directory; `--postgres` uses a fresh
local database `lianfang_bench_fhir`). Target: under 30 s for the 10,000 cases."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import orjson
from sqlalchemy import insert, text

from bench.common import fresh_postgres
from lianfang.config import Settings
from lianfang.control.models import ControlOrder
from lianfang.core.access import SYSTEM
from lianfang.core.clock import SHANGHAI, utcnow
from lianfang.core.context import Ctx
from lianfang.core.crypto import new_fernet_key, new_secret
from lianfang.core.db import make_engine, make_session_factory, transaction
from lianfang.core.events import EventBus
from lianfang.core.migrate import upgrade
from lianfang.interop.fhir import service
from lianfang.jurisdictions import service as jurisdictions_service
from lianfang.people.models import Person
from lianfang.testing.models import Sample, Tube, TubeResult
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.vaccination.models import VaccinationDose

CASES = 10_000


def build(settings: Settings) -> int:
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    now = utcnow()
    with transaction(factory) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=now, bus=EventBus())
        make = jurisdictions_service.create_jurisdiction
        make(ctx, jurisdictions_service.JurisdictionInput("110000", "北京市", "city"))
        district = make(
            ctx, jurisdictions_service.JurisdictionInput("110105", "朝阳区", "district", "110000")
        )
        make(ctx, jurisdictions_service.JurisdictionInput("110105001", "建外街道", "street", "110105"))
        communities = [
            make(
                ctx,
                jurisdictions_service.JurisdictionInput(
                    f"110105001{i:03d}", f"第{i}社区", "community", "110105001"
                ),
            )
            for i in range(1, 21)
        ]
        people = 3 * CASES
        session.execute(
            insert(Person),
            [
                {
                    "id": i,
                    "pseudonym": f"p{i:08d}",
                    "name": f"居民{i}",
                    "id_kind": "resident_id",
                    "id_hash": f"h{i}",
                    "id_sealed": "x",
                    "id_masked": "1101**********0018",
                    "nationality": "CHN",
                    "birth_date": date(1980, 1, 1) + timedelta(days=i % 9000),
                    "sex": "MF"[i % 2],
                    "community_id": communities[i % 20].id,
                    "jurisdiction_path": communities[i % 20].path,
                    "address": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, people + 1)
            ],
        )
        cases, tubes, samples, results, doses, contacts, orders = [], [], [], [], [], [], []
        for c in range(1, CASES + 1):
            person = communities[c % 20]
            reported = now - timedelta(hours=c % 240)
            cases.append(
                {
                    "id": c,
                    "code": f"LD-BENCH-{c:06d}",
                    "person_id": c,
                    "jurisdiction_path": person.path,
                    "status": "open",
                    "classification": "confirmed",
                    "origin": "lab",
                    "found_by": "community_screening",
                    "source": "local",
                    "onset_at": reported - timedelta(days=2),
                    "reported_at": reported,
                    "lookback_days": 2,
                    "rule_edition": "9th",
                    "note": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            tubes.append(
                {
                    "id": c,
                    "barcode": f"B{c:09d}",
                    "kind": "single",
                    "mode": "single",
                    "capacity": 1,
                    "sample_count": 1,
                    "jurisdiction_path": person.path,
                    "status": "received",
                    "facility": "",
                    "opened_at": reported,
                }
            )
            samples.append(
                {
                    "id": c,
                    "tube_id": c,
                    "person_id": c,
                    "jurisdiction_path": person.path,
                    "community_id": person.id,
                    "sampled_at": reported - timedelta(hours=6),
                }
            )
            results.append(
                {"tube_id": c, "result": "positive", "reported_at": reported, "recorded_at": reported}
            )
            for n in (1, 2):
                doses.append(
                    {
                        "person_id": c,
                        "dose_number": n,
                        "product": "sinovac",
                        "dosed_on": date(2021, 3, n * 14),
                        "site_code": "S1",
                        "site_name": "接种点",
                        "batch": "B",
                        "source": "site",
                        "record_key": f"{c}-{n}",
                        "created_by": "bench",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                contacts.append(
                    {
                        "case_id": c,
                        "person_id": CASES * n + c,
                        "jurisdiction_path": person.path,
                        "degree": 1,
                        "category": "close",
                        "status": "confirmed",
                        "reason": "household",
                        "detail": "",
                        "rule": "r",
                        "rule_edition": "9th",
                        "overlap_minutes": 60,
                        "manual": False,
                        "note": "",
                        "first_contact_at": reported - timedelta(days=3),
                        "last_contact_at": reported,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            orders.append(
                {
                    "person_id": c,
                    "community_id": person.id,
                    "jurisdiction_path": person.path,
                    "source": "tracing",
                    "source_ref": "",
                    "person_class": "close",
                    "edition": "9th",
                    "kind": "centralised",
                    "centralised_days": 7,
                    "home_days": 3,
                    "monitoring_days": 0,
                    "test_days": "1,2,3,5,7",
                    "swab": "oropharyngeal",
                    "double_test": False,
                    "citation": "§2",
                    "last_exposure_on": now.astimezone(SHANGHAI).date(),
                    "ends_on": now.astimezone(SHANGHAI).date() + timedelta(days=10),
                    "status": "active",
                    "given_how": "verbal",
                    "delivered": False,
                    "work_prohibited": True,
                    "team": "",
                    "end_reason": "",
                    "updated_at": now,
                    "created_at": now,
                }
            )
        for model, rows in (
            (TracingCase, cases),
            (Tube, tubes),
            (Sample, samples),
            (TubeResult, results),
            (VaccinationDose, doses),
            (TracingContact, contacts),
            (ControlOrder, orders),
        ):
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start : start + 5000])
        district_id = district.id
    engine.dispose()
    return district_id


def baseline(settings: Settings) -> tuple[float, int]:
    engine = make_engine(settings)
    started = time.perf_counter()
    size = 0
    with engine.connect() as conn:
        for table in (
            "tracing_cases",
            "people",
            "testing_samples",
            "testing_tubes",
            "testing_results",
            "vaccination_doses",
            "tracing_contacts",
            "control_orders",
        ):
            rows = [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table}"))]
            size += len(orjson.dumps(rows, default=str))
    engine.dispose()
    return time.perf_counter() - started, size


def export(settings: Settings, district_id: int) -> tuple[float, int, int]:
    engine = make_engine(settings)
    started = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        ctx = Ctx(session=session, actor=SYSTEM, settings=settings, now=utcnow(), bus=EventBus())
        today = ctx.now.astimezone(SHANGHAI).date()
        body = service.export_district(ctx, district_id, today - timedelta(days=30), today)
    elapsed = time.perf_counter() - started
    entries = len(orjson.loads(body)["entry"])
    engine.dispose()
    return elapsed, len(body), entries


def main() -> None:
    keys = {"secret_key": new_secret(), "data_key": new_fernet_key(), "lookup_key": new_secret()}
    with tempfile.TemporaryDirectory() as tmp:
        url = (
            fresh_postgres("lianfang_bench_fhir")
            if "--postgres" in sys.argv
            else f"sqlite:///{Path(tmp) / 'b.db'}"
        )
        settings = Settings(
            database_url=url, environment="test", embedded_worker=False, _env_file=None, **keys
        )  # type: ignore[call-arg]
        started = time.perf_counter()
        district_id = build(settings)
        print(f"built {CASES:,} cases in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
        base, base_size = baseline(settings)
        took, size, entries = export(settings, district_id)
        base_again, _ = baseline(settings)
        floor = min(base, base_again)
        print("| What | Time | Size |")
        print("|---|---|---|")
        mb, base_mb = size / 1e6, base_size / 1e6
        print(f"| FHIR export, {CASES:,} cases, {entries:,} resources | **{took:.2f} s** | {mb:.1f} MB |")
        print(f"| Baseline: the same rows read and dumped as they are | {floor:.2f} s | {base_mb:.1f} MB |")
        print(f"| Ratio | {took / floor:.1f} | |")


if __name__ == "__main__":
    main()
