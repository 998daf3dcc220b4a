"""Every table, imported in one place so that metadata (and so Alembic) sees the whole schema."""

from __future__ import annotations

from lianfang.accounts import models as accounts_models
from lianfang.analytics import models as analytics_models
from lianfang.assignments import models as assignments_models
from lianfang.checkins import models as checkins_models
from lianfang.command import models as command_models
from lianfang.control import models as control_models
from lianfang.core import audit, jobs
from lianfang.core.db import Base
from lianfang.enforcement import models as enforcement_models
from lianfang.healthcodes import models as healthcodes_models
from lianfang.information import models as information_models
from lianfang.interop.dcc import models as interop_dcc_models
from lianfang.jurisdictions import models as jurisdictions_models
from lianfang.people import models as people_models
from lianfang.sim import models as sim_models
from lianfang.supply import models as supply_models
from lianfang.testing import models as testing_models
from lianfang.tracing import models as tracing_models
from lianfang.travel import models as travel_models
from lianfang.unithealth import models as unithealth_models
from lianfang.units import models as units_models
from lianfang.vaccination import models as vaccination_models
from lianfang.venues import models as venues_models

MODULES = (
    audit,
    jobs,
    accounts_models,
    jurisdictions_models,
    people_models,
    units_models,
    venues_models,
    assignments_models,
    checkins_models,
    sim_models,
    command_models,
    travel_models,
    testing_models,
    tracing_models,
    unithealth_models,
    enforcement_models,
    control_models,
    healthcodes_models,
    vaccination_models,
    information_models,
    analytics_models,
    supply_models,
    interop_dcc_models,
)
metadata = Base.metadata
