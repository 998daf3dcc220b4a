"""Cluster suggestions through the API: cases linked by a household, a shared venue at overlapping times,
a trip and an infector link form one suggestion with the evidence of each link; confirming merges them
into one cluster with one action (never silently), an existing cluster is joined, and the walls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianfang.core.audit import AuditEntry
from lianfang.tracing.models import TracingCase
from tests.factories.accounts import bearer
from tests.factories.tracing import make_scene


def _case(api, person, onset):
    made = api.post("/api/tracing/cases", json={"person_id": person.id, "onset_at": onset.isoformat()})
    assert made.status_code == 201, made.text
    return made.json()


def test_linked_cases_are_suggested_and_merged_on_confirmation(ctx, client, session):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    index = _case(api, scene.case_person, scene.onset)
    housemate = _case(api, scene.housemate, scene.onset)  # same household
    shopper = _case(api, scene.shopper, scene.onset)  # same supermarket at overlapping times
    classmate = _case(api, scene.classmate, scene.onset)
    linked = api.patch(f"/api/tracing/cases/{classmate['id']}", json={"infector_case_id": index["id"]})
    assert linked.status_code == 200
    lonely = _case(api, scene.passer_by, scene.onset - timedelta(days=20))  # nobody shares anything

    listed = api.get("/api/tracing/cluster-suggestions")
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert len(items) == 1
    suggestion = items[0]
    ids = sorted([index["id"], housemate["id"], shopper["id"], classmate["id"]])
    assert suggestion["case_ids"] == ids and lonely["id"] not in suggestion["case_ids"]
    kinds = {x["kind"] for x in suggestion["links"]}
    assert {"household", "venue", "infector", "group"} <= kinds
    venue = next(x for x in suggestion["links"] if x["kind"] == "venue")
    assert "便民超市" in venue["detail"] and "min" in venue["detail"]
    assert suggestion["meets_definition"] is False and suggestion["clusters"] == []
    assert session.scalar(select(TracingCase.cluster_id).where(TracingCase.id == index["id"])) is None

    merged = api.post("/api/tracing/cluster-suggestions/merge", json={"case_ids": ids, "name": "超市聚集"})
    assert merged.status_code == 201, merged.text
    cluster_id = merged.json()["id"]
    clusters = set(session.scalars(select(TracingCase.cluster_id).where(TracingCase.id.in_(ids))))
    assert clusters == {cluster_id}
    assert session.scalars(select(AuditEntry).where(AuditEntry.verb == "tracing.cluster.merge")).all()
    assert api.get("/api/tracing/cluster-suggestions").json()["items"] == []
    again = api.post("/api/tracing/cluster-suggestions/merge", json={"case_ids": ids})
    assert again.status_code == 422 and again.json()["error"]["problems"][0]["message_en"]

    # a new linked case joins the existing cluster
    mother = _case(api, scene.classmates_mother, scene.onset)
    joined = api.get("/api/tracing/cluster-suggestions").json()["items"]
    assert joined[0]["clusters"] == [cluster_id] and mother["id"] in joined[0]["case_ids"]
    done = api.post("/api/tracing/cluster-suggestions/merge", json={"case_ids": joined[0]["case_ids"]})
    assert done.status_code == 201 and done.json()["id"] == cluster_id

    unlinked = api.post(
        "/api/tracing/cluster-suggestions/merge", json={"case_ids": [index["id"], lonely["id"]]}
    )
    assert unlinked.status_code == 422
    assert session.scalar(select(TracingCase.cluster_id).where(TracingCase.id == lonely["id"])) is None


def test_suggestion_walls(ctx, client, new_client):
    scene = make_scene(ctx)
    api = bearer(client, scene.investigator)
    ids = [_case(api, p, scene.onset)["id"] for p in (scene.case_person, scene.housemate)]
    assert len(api.get("/api/tracing/cluster-suggestions").json()["items"]) == 1
    outsider = bearer(new_client(), scene.other_investigator)
    assert outsider.get("/api/tracing/cluster-suggestions").json()["items"] == []
    assert outsider.post("/api/tracing/cluster-suggestions/merge", json={"case_ids": ids}).status_code == 404
    worker = bearer(new_client(), scene.community_worker)
    assert worker.get("/api/tracing/cluster-suggestions").status_code == 403
    command = bearer(new_client(), scene.district_command)
    assert command.get("/api/tracing/cluster-suggestions").status_code == 200
    assert command.post("/api/tracing/cluster-suggestions/merge", json={"case_ids": ids}).status_code == 403
    one = api.post("/api/tracing/cluster-suggestions/merge", json={"case_ids": ids[:1]})
    assert one.status_code == 422


def test_cases_on_one_flight_are_linked_by_the_trip(ctx, client):
    from tests.tracing.test_trips import flight_scene, upload

    scene, near, *_rest, text = flight_scene(ctx)
    api = bearer(client, scene.investigator)
    assert upload(api, text).status_code == 200
    ids = sorted(_case(api, p, scene.onset)["id"] for p in (scene.case_person, near))
    items = api.get("/api/tracing/cluster-suggestions").json()["items"]
    assert items[0]["case_ids"] == ids and items[0]["setting"] == "transport"
    assert next(x["detail"] for x in items[0]["links"] if x["kind"] == "trip").startswith("CA1234 ")
