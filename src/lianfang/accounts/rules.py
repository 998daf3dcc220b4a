"""Roles and what each may do. A role's reach is further limited to its home jurisdiction's subtree
(core.access.Actor.scope_path), so a permission here never crosses a jurisdiction wall."""

from __future__ import annotations

import re

from lianfang.core.errors import Problem

ROLES: dict[str, tuple[str, str]] = {
    "admin": ("系统管理员", "Administrator"),
    "city_command": ("市指挥部", "City command"),
    "district_command": ("区指挥部", "District command"),
    "community_worker": ("街乡镇/社区工作人员", "Street / community worker"),
    "investigator": ("流调队员", "Epidemiological investigator"),
    "lab": ("检测机构", "Laboratory / sampling site"),
    "unit_officer": ("单位健康专员", "Unit health officer"),
    "venue_operator": ("场所登记员", "Venue operator"),
    "checkpoint": ("公安检查站", "Police checkpoint"),
    "inspector": ("防疫监督检查员", "Epidemic-prevention inspector"),
    "auditor": ("审计员", "Auditor"),
}

_REGISTRY_RW = {"registry.read", "registry.write", "registry.import", "registry.export", "identity.reveal"}
_WORK = {"assignments.read", "assignments.work"}
# Units, inspections and enforcement (unithealth, enforcement modules; MISSION R6, R14-R17, R23).
_UNITS_OVERSIGHT = {"unithealth.read", "enforcement.read"}
_COMMAND_ENFORCEMENT = {"unithealth.configure", "enforcement.inspect", "enforcement.decide"}
# Nucleic-acid testing (testing module, R18, R20): the command orders rounds and sets up sites and labs;
# sampling teams register tubes; labs upload results; communities follow progress and knock on doors.
_TESTING_COMMAND = {"testing.read", "testing.order"}
_TESTING_LAB = {"testing.read", "testing.sample", "testing.results"}
# Command and supervision (command module, R1-R6, R18): the city office runs the organisation, meetings,
# directives, work groups and forces; districts report incidents and keep four-party responsibility.
_COMMAND_CITY = {"command.read", "command.manage", "command.report"}
_COMMAND_DISTRICT = {"command.read", "command.report"}
# Entry management (travel module, R7-R9): the city command keeps the risk-area list; districts and
# the city import carriers' files; communities register arrivals and verify flagged people.
_TRAVEL_CITY = {"travel.read", "travel.write", "travel.verify", "travel.import", "travel.riskareas"}
_TRAVEL_DISTRICT = {"travel.read", "travel.write", "travel.verify", "travel.import"}
_TRAVEL_COMMUNITY = {"travel.read", "travel.write", "travel.verify"}
# Epidemiological investigation (tracing module, R19, R21, R22): investigators open cases and judge
# contacts; the city and district command follow cases, clusters and the found-under-control share.
_TRACING_READ = {"tracing.read"}
_TRACING_WORK = {"tracing.read", "tracing.write"}
# Control measures (control module, R7, R11, R19, R20): the command confirms proposals, draws and lifts
# zones and runs isolation sites; communities issue and follow orders and record daily health reports.
_CONTROL_DECIDE = {"control.read", "control.write", "control.decide"}
_CONTROL_WORK = {"control.read", "control.write"}
# Health codes (healthcodes module, RULES.md §4): communities decide appeals; the command and 12345
# hotline operators file appeals for callers; investigators see why a person's code is what it is.
_HEALTHCODES = {"healthcodes.read", "healthcodes.decide", "healthcodes.hotline"}
# Booster vaccination (vaccination module, R27): communities, districts and the city record doses,
# import sites' files and follow up people due for a booster; investigators (CDC) read.
_VACCINATION_RW = {"vaccination.read", "vaccination.write"}
# Information release and the hotline (information module, R24-R25): the office generates, edits,
# approves and publishes the daily bulletin and logs 12345 tickets; districts follow their tickets.
_INFORMATION_OFFICE = {"information.read", "information.write", "information.approve", "information.hotline"}
_INFORMATION_DISTRICT = {"information.read", "information.hotline"}
# Checking a presented health code (healthcodes.check_pages, RULES.md §4.1 「红码禁止、黄码限制、绿码通行」):
# venues, police checkpoints (公安检查站), communities and the command scan residents' signed QR codes.
_CODE_CHECK = {"healthcodes.check"}
# EU Digital COVID Certificates checked at entry (interop.dcc, R8): ports, airports and checkpoints check
# them; recording the result on an arrival also needs the arrival in the actor's scope.
_DCC_CHECK = {"interop.dcc"}
# Situation analysis (analytics module, R24): the command dashboard; the city office refreshes it on demand.
_ANALYTICS_CITY = {"analytics.read", "analytics.refresh"}
_ANALYTICS_DISTRICT = {"analytics.read"}
# Market supply (supply module, R26): outlets (their operators) and communities report; the command reads.
_SUPPLY_RW = {"supply.read", "supply.report"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {"accounts.manage", "jurisdictions.manage", "audit.read", "assignments.issue"}
        | _REGISTRY_RW
        | _WORK
        | _UNITS_OVERSIGHT
        | _COMMAND_ENFORCEMENT
        | _TESTING_COMMAND
        | _TESTING_LAB
        | _COMMAND_CITY
        | _TRAVEL_CITY
        | _CONTROL_DECIDE
        | _HEALTHCODES
        | _VACCINATION_RW
        | _CODE_CHECK
        | _DCC_CHECK
        | _ANALYTICS_CITY
        | _SUPPLY_RW
        | _INFORMATION_OFFICE
    ),
    "city_command": frozenset(
        {"assignments.issue"} | _REGISTRY_RW | _WORK | _UNITS_OVERSIGHT | _COMMAND_ENFORCEMENT
    )
    | _TESTING_COMMAND
    | _COMMAND_CITY
    | _TRAVEL_CITY
    | _TRACING_READ
    | _CONTROL_DECIDE
    | _HEALTHCODES
    | _VACCINATION_RW
    | _CODE_CHECK
    | _DCC_CHECK
    | _ANALYTICS_CITY
    | _SUPPLY_RW
    | _INFORMATION_OFFICE,
    "district_command": frozenset(
        {"assignments.issue"} | _REGISTRY_RW | _WORK | _UNITS_OVERSIGHT | _COMMAND_ENFORCEMENT
    )
    | _TESTING_COMMAND
    | _COMMAND_DISTRICT
    | _TRAVEL_DISTRICT
    | _TRACING_READ
    | _CONTROL_DECIDE
    | _HEALTHCODES
    | _VACCINATION_RW
    | _CODE_CHECK
    | _DCC_CHECK
    | _ANALYTICS_DISTRICT
    | _SUPPLY_RW
    | _INFORMATION_DISTRICT,
    "community_worker": frozenset(_REGISTRY_RW | _WORK | _UNITS_OVERSIGHT)
    | {"testing.read", "testing.sample"}
    | _TRAVEL_COMMUNITY
    | _CONTROL_WORK
    | _HEALTHCODES
    | _VACCINATION_RW
    | _CODE_CHECK
    | _SUPPLY_RW,
    "investigator": frozenset(
        {"registry.read", "identity.reveal", "assignments.issue", "healthcodes.read", "vaccination.read"}
        | _WORK
        | _TRACING_WORK
    ),
    # Labs and unit officers never browse the registry: labs find the person of a sample by code or
    # identity number in the testing module; unit officers see their own staff through units.staff.
    "lab": frozenset(_WORK | _TESTING_LAB),
    "unit_officer": frozenset({"units.staff", "unithealth.report", "enforcement.respond"} | _WORK),
    "venue_operator": frozenset({"venues.operate", "supply.report"} | _WORK | _CODE_CHECK),
    "checkpoint": frozenset(_WORK | _CODE_CHECK | _DCC_CHECK),
    # District inspectors (监督检查): inspect units and venues, record findings and violations; the
    # disposition of a violation is decided by command staff (enforcement.decide).
    "inspector": frozenset({"registry.read", "enforcement.read", "enforcement.inspect"} | _WORK),
    "auditor": frozenset({"audit.read"}),
}

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")
MIN_PASSWORD = 10


def permissions_for(role: str) -> frozenset[str]:
    return PERMISSIONS.get(role, frozenset())


def username_problem(username: str) -> Problem | None:
    if not _USERNAME.match(username):
        return Problem("username", "用户名为3-64位小写字母、数字或._-", "username: 3-64 of a-z 0-9 . _ -")
    return None


def password_problem(password: str, username: str = "") -> Problem | None:
    if len(password) < MIN_PASSWORD:
        return Problem(
            "password", f"密码至少{MIN_PASSWORD}位", f"passwords have at least {MIN_PASSWORD} characters"
        )
    if username and username.lower() in password.lower():
        return Problem("password", "密码不能包含用户名", "the password must not contain the username")
    return None


def role_problem(role: str) -> Problem | None:
    if role not in ROLES:
        return Problem("role", f"角色“{role}”无效", f"unknown role {role!r}")
    return None


def is_throttled(recent_failures: int, max_failures: int) -> bool:
    return recent_failures >= max_failures
