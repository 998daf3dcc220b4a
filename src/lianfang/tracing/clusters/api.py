"""JSON API of clusters: create one, its chain graph, and the cluster suggestions with their merge."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from lianfang.core.context import Ctx
from lianfang.core.web import staff_ctx
from lianfang.tracing import repository, rules
from lianfang.tracing.access import READ, access_cluster
from lianfang.tracing.cases import service
from lianfang.tracing.cases import views as cases_views
from lianfang.tracing.clusters import service as clustering
from lianfang.tracing.clusters.render import Node, render_svg
from lianfang.tracing.schemas import (
    ClusterCreate,
)

router = APIRouter(prefix="/api/tracing", tags=["tracing"])


@router.post("/clusters", status_code=201)
def create_cluster(body: ClusterCreate, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    cluster = service.create_cluster(ctx, body.name, body.setting, body.case_ids)
    return {"id": cluster.id, "name": cluster.name, "setting": cluster.setting}


def cluster_svg(ctx: Ctx, cluster_id: int) -> str:
    cluster = access_cluster(ctx.session, ctx.actor, cluster_id)
    cases = repository.cluster_cases(ctx.session, cluster.id)
    people = repository.persons_by_ids(ctx.session, [c.person_id for c in cases])
    nodes = [
        Node(
            c.id,
            c.code,
            f"{cases_views.person_label(people.get(c.person_id))['name']} · {c.classification[:4]}",
            c.classification,
            c.infector_case_id,
            f"/tracing/cases/{c.id}",
        )
        for c in cases
    ]
    return render_svg(nodes, cluster.name)


@router.get("/clusters/{cluster_id}/graph.svg")
def cluster_graph(cluster_id: int, ctx: Ctx = Depends(staff_ctx)) -> Response:
    ctx.actor.require(READ)
    return Response(
        cluster_svg(ctx, cluster_id), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


class MergeBody(BaseModel):
    case_ids: list[int]
    name: str = Field(default="", max_length=120)
    setting: str = ""


def _suggestion_dict(s: clustering.Suggestion) -> dict[str, Any]:
    return {
        "case_ids": s.case_ids,
        "codes": s.codes,
        "clusters": s.clusters,
        "setting": s.setting,
        "name": s.name,
        "meets_definition": s.meets_definition,
        "links": [{"a": x.a, "b": x.b, "kind": x.kind, "detail": x.detail} for x in s.links],
    }


@router.get("/cluster-suggestions")
def list_suggestions(days: int = rules.CLUSTER_DAYS, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    """Groups of recent cases linked by shared exposures or infector links, not yet one cluster."""
    found = clustering.suggestions(ctx, days)
    return {"edition": rules.CLUSTER_EDITION, "items": [_suggestion_dict(s) for s in found]}


@router.post("/cluster-suggestions/merge", status_code=201)
def merge(body: MergeBody, ctx: Ctx = Depends(staff_ctx)) -> dict[str, Any]:
    cluster = clustering.merge(ctx, body.case_ids, body.name, body.setting)
    return {"id": cluster.id, "name": cluster.name, "setting": cluster.setting}
