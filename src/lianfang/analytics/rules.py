"""Dashboard parameters: which daily metrics exist, how many days are shown, and the serial interval
used for Rt. RULES.md and ANALYTICS.md fix no serial interval for the city: the defaults below are an
assumption of this rule set (an Omicron-like short interval), shown on the page, and meant to be set by
the analysts (`lianfang rt ... --si-mean --si-sd` for other values)."""

from __future__ import annotations

EDITION = "dashboard-2022.1"
SHOWN_DAYS = 30
RT_DAYS = 60  # days of counts Rt is estimated from (the refresh keeps this many)
ROUNDS_SHOWN = 10
SI_MEAN = 3.5  # days, assumed (see module docstring)
SI_SD = 2.4
WINDOW = 7  # days per Rt window (EpiEstim's default weekly window)

CASE_METRICS = (
    "cases.confirmed.local",
    "cases.confirmed.imported",
    "cases.asymptomatic.local",
    "cases.asymptomatic.imported",
)
LOCAL = ("cases.confirmed.local", "cases.asymptomatic.local")
IMPORTED = ("cases.confirmed.imported", "cases.asymptomatic.imported")
ALL_DAILY = (*CASE_METRICS, "cases.under_control", "contacts.found", "contacts.controlled_24h", "scans")
ORDER_KINDS = ("centralised", "home_quarantine", "home_monitoring")
ZONE_LEVELS = ("sealed", "controlled", "prevention", "high", "medium", "low")
