"""Every router of the interop module, for the composition root, and its OpenAPI sections."""

from __future__ import annotations

from fastapi import APIRouter

from lianfang.interop.dcc import api as dcc_api
from lianfang.interop.dcc import pages as dcc_pages
from lianfang.interop.fhir import api as fhir_api
from lianfang.interop.gbt import api as gbt_api

TAGS = [
    {
        "name": "GB/T 38963",
        "description": "个人健康信息码 应用接口 (GB/T 38963-2020): declare, query, make a code, "
        "verify a code, "
        "correct, mapped onto lianfang's services (docs/interop.md). Field names are lianfang's; the "
        "standard's field widths are not published and none are assumed.",
    },
    {
        "name": "interop: FHIR R4",
        "description": "Cases as FHIR R4 Bundles; lab results in as DiagnosticReport/Observation Bundles.",
    },
    {
        "name": "interop: EU Digital COVID Certificates",
        "description": "Checking EU Digital COVID Certificates at entry against a DSC trust list "
        "(docs/interop.md).",
    },
]


router = APIRouter()
router.include_router(dcc_api.router)
router.include_router(fhir_api.router)
router.include_router(gbt_api.router)
router.include_router(dcc_pages.router)
