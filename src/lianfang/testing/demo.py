"""The demo's mass testing (seed.seed_demo calls seed_testing): a round over 朝阳区 ordered this morning
with a sealed zone (single tubes) in its first community, a sampling site with two teams per street, a
district lab, and the district's residents sampled set-based (most of them; the rest are the
door-knocking list): 10-in-1 tubes by household order elsewhere. Most tubes are shipped and have results
(through the ordinary result upload: one positive pool, whose members go under temporary control with
a recall to their community, and one positive single tube), some are in transit, a few still open at
the sites. The round's progress is refreshed at the end, so the round page and the positive-pool list
show content."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from lianfang.core.context import Ctx
from lianfang.jurisdictions import repository as jurisdictions_repository
from lianfang.jurisdictions.models import Jurisdiction
from lianfang.people.models import Person
from lianfang.testing import rules
from lianfang.testing.models import Sample, SamplingSite, Shipment, Tube
from lianfang.testing.results import service as results
from lianfang.testing.rounds import refresh as progress
from lianfang.testing.rounds import service as rounds_service
from lianfang.testing.rules import ZoneArea
from lianfang.testing.sites import service as sites_service

SAMPLED_SHARE = 0.85  # of the district's residents; the rest wait for a knock on the door
OPEN_SHARE, TRANSIT_SHARE = 0.03, 0.12  # of the tubes: still at the site, on the way to the lab


def _people(ctx: Ctx, district: Jurisdiction) -> list[tuple[int, str, int]]:
    """(person id, community path, community id) of the district's residents, by community and
    household (a tube is filled as a queue forms: neighbours together)."""
    rows = ctx.session.execute(
        select(Person.id, Person.jurisdiction_path, Person.community_id)
        .where(Person.jurisdiction_path.startswith(district.path))
        .order_by(Person.jurisdiction_path, Person.household_id, Person.id)
    )
    return [(int(i), str(p), int(c)) for i, p, c in rows]


def _sites(ctx: Ctx, district: Jurisdiction) -> dict[str, SamplingSite]:
    """One site per street (at its first community) with two teams; keyed by street path."""
    sites: dict[str, SamplingSite] = {}
    for street in jurisdictions_repository.children(ctx.session, district.id)[:8]:
        communities = jurisdictions_repository.children(ctx.session, street.id)
        if not communities:
            continue
        site = sites_service.create_site(
            ctx, f"{street.name}核酸采样点", communities[0].id, f"{street.name}文化广场"
        )
        for team in ("第一采样队", "第二采样队"):
            sites_service.create_team(ctx, site.id, team)
        sites[street.path] = site
    return sites


def _street_of(path: str) -> str:
    return "/".join(path.split("/")[:-2]) + "/"


def seed_testing(ctx: Ctx, lab_ctx: Ctx, district_code: str = "110105") -> str:
    """`ctx`: the district command (orders the round, sites, lab); `lab_ctx`: the lab (results)."""
    district = jurisdictions_repository.by_code(ctx.session, district_code)
    if district is None:
        return "testing: no district for the demo round"
    people = _people(ctx, district)
    if not people:
        return "testing: no residents in the demo district"
    morning = replace(ctx, now=ctx.now - timedelta(hours=10))
    sealed = people[0][1]  # the district's first community is a sealed zone
    sealed_id = people[0][2]
    sites = _sites(morning, district)
    lab = sites_service.create_lab(morning, "朝阳区疾控中心实验室", district.id, 200_000)
    zone = ZoneArea(sealed_id, "sealed", ref="demo:sealed", name="演示封控区（单采单检）")
    item = rounds_service.order_round(
        morning, rounds_service.RoundInput("朝阳区第1轮区域核酸", district.id, "pool10", zones=(zone,))
    )
    sampled = people[: int(len(people) * SAMPLED_SHARE)]
    tubes, members = _fill(sampled, sealed)
    ids = _write_tubes(ctx, item.id, lab.id, sites, tubes, members)
    _samples(ctx, item.id, sampled, tubes, members, ids)
    report = _results(lab_ctx, tubes)
    progress.refresh(ctx, item.id)
    return (
        f"testing: round {item.id} over {district.name}: {len(sampled):,} of {len(people):,} residents"
        f" sampled in {len(tubes):,} tubes at {len(sites)} sites; {report}"
    )


def _fill(sampled: list[tuple[int, str, int]], sealed: str) -> tuple[list[dict[str, Any]], list[list[int]]]:
    """Tubes (single in the sealed zone, 10-in-1 elsewhere, never across communities) and members."""
    tubes: list[dict[str, Any]] = []
    members: list[list[int]] = []
    for n, (_pid, path, _cid) in enumerate(sampled):
        mode = "single" if path == sealed else "pool10"
        last = tubes[-1] if tubes else None
        full = last is not None and len(members[-1]) >= rules.capacity_of(mode)
        if last is None or full or last["mode"] != mode or last["path"] != path:
            tubes.append({"mode": mode, "path": path, "barcode": f"CY1{len(tubes) + 1:07d}"})
            members.append([])
        members[-1].append(n)
    return tubes, members


def _write_tubes(
    ctx: Ctx,
    round_id: int,
    lab_id: int,
    sites: dict[str, SamplingSite],
    tubes: list[dict[str, Any]],
    members: list[list[int]],
) -> list[int]:
    """Tubes, their samples and one shipment per site, set-based; times spread over the morning."""
    fallback = next(iter(sites.values()))
    start = ctx.now - timedelta(hours=9)
    total = len(tubes)
    shipments = dict.fromkeys((site.id for site in sites.values()), 0)
    tube_rows = []
    for k, tube in enumerate(tubes):
        site = sites.get(_street_of(tube["path"]), fallback)
        opened = start + timedelta(seconds=int(6 * 3600 * k / max(total, 1)))
        if k >= total * (1 - OPEN_SHARE):
            state = "open"
        elif k >= total * (1 - OPEN_SHARE - TRANSIT_SHARE):
            state = "in_transit"
        else:
            state = "received"
            shipments[site.id] += 1
        tube.update(site_id=site.id, opened=opened, state=state)
        tube_rows.append(
            {
                "barcode": tube["barcode"],
                "kind": rules.kind_of(tube["mode"]),
                "mode": tube["mode"],
                "capacity": rules.capacity_of(tube["mode"]),
                "sample_count": len(members[k]),
                "round_id": round_id,
                "site_id": site.id,
                "team_id": None,
                "jurisdiction_path": site.jurisdiction_path,
                "status": "open" if state == "open" else "shipped",
                "facility": "",
                "opened_at": opened,
                "closed_at": None if state == "open" else opened + timedelta(minutes=10),
                "lab_id": None if state == "open" else lab_id,
            }
        )
    by_site = {site.id: site for site in sites.values()}
    ship_ids: dict[tuple[int, str], int] = {}
    for site_id, count in shipments.items():
        for state, n, sent in (("received", count, 3), ("in_transit", None, 1)):
            shipment = Shipment(
                site_id=site_id,
                lab_id=lab_id,
                jurisdiction_path=by_site[site_id].jurisdiction_path,
                tube_count=n if n is not None else 0,
                shipped_at=ctx.now - timedelta(hours=sent),
                received_at=ctx.now - timedelta(hours=2, minutes=30) if state == "received" else None,
            )
            ctx.session.add(shipment)
            ctx.session.flush()
            ship_ids[(site_id, state)] = shipment.id
    in_transit: dict[int, int] = {}
    for row, tube in zip(tube_rows, tubes, strict=True):
        state = tube["state"]
        row["shipment_id"] = None if state == "open" else ship_ids[(tube["site_id"], state)]
        row["status"] = {"open": "open", "in_transit": "shipped", "received": "received"}[state]
        if state == "in_transit":
            in_transit[tube["site_id"]] = in_transit.get(tube["site_id"], 0) + 1
    for site_id, n in in_transit.items():
        moving = ctx.session.get(Shipment, ship_ids[(site_id, "in_transit")])
        if moving is not None:
            moving.tube_count = n
    return list(ctx.session.scalars(insert(Tube).returning(Tube.id, sort_by_parameter_order=True), tube_rows))


def _samples(
    ctx: Ctx,
    round_id: int,
    sampled: list[tuple[int, str, int]],
    tubes: list[dict[str, Any]],
    members: list[list[int]],
    ids: list[int],
) -> None:
    rows = [
        {
            "tube_id": ids[k],
            "person_id": sampled[n][0],
            "round_id": round_id,
            "jurisdiction_path": sampled[n][1],
            "community_id": sampled[n][2],
            "sampled_at": tubes[k]["opened"] + timedelta(seconds=20 * j),
            "sampled_by_user_id": None,
        }
        for k, group in enumerate(members)
        for j, n in enumerate(group)
    ]
    ctx.session.execute(insert(Sample), rows)


def _results(ctx: Ctx, tubes: list[dict[str, Any]]) -> str:
    """Results of the received tubes through the ordinary upload: one positive pool, one positive single."""
    received = [t for t in tubes if t["state"] == "received"]
    if not received:
        return "no results yet"
    pooled = next((t for t in received if t["mode"] == "pool10"), None)
    single = next((t for t in received if t["mode"] == "single"), None)
    positive = {t["barcode"] for t in (pooled, single) if t is not None}
    reported = ctx.now - timedelta(hours=1)
    rows = [
        results.ResultRow(i, t["barcode"], "positive" if t["barcode"] in positive else "negative", reported)
        for i, t in enumerate(received, start=1)
    ]
    report = results.record_results(ctx, rows)
    return f"{report.created:,} results back, {len(positive)} positive ({', '.join(sorted(positive))})"
