"""A small jurisdiction tree built through the service: 北京市 → 2 districts → 2 streets → 2 communities."""

from __future__ import annotations

from lianfang.core.context import Ctx
from lianfang.jurisdictions import service
from lianfang.jurisdictions.models import Jurisdiction

TREE = {
    ("110105", "朝阳区"): {
        ("110105001", "建外街道"): ["110105001001", "110105001002"],
        ("110105002", "朝外街道"): ["110105002001", "110105002002"],
    },
    ("110108", "海淀区"): {
        ("110108001", "中关村街道"): ["110108001001", "110108001002"],
        ("110108002", "学院路街道"): ["110108002001", "110108002002"],
    },
}


def make_city(ctx: Ctx) -> dict[str, Jurisdiction]:
    made = {"110000": service.create_jurisdiction(ctx, service.JurisdictionInput("110000", "北京市", "city"))}
    for (dcode, dname), streets in TREE.items():
        made[dcode] = service.create_jurisdiction(
            ctx, service.JurisdictionInput(dcode, dname, "district", "110000")
        )
        for (scode, sname), communities in streets.items():
            made[scode] = service.create_jurisdiction(
                ctx, service.JurisdictionInput(scode, sname, "street", dcode)
            )
            for i, ccode in enumerate(communities, start=1):
                made[ccode] = service.create_jurisdiction(
                    ctx, service.JurisdictionInput(ccode, f"{sname}第{i}社区", "community", scode)
                )
    return made
