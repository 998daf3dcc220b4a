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
    "auditor": ("审计员", "Auditor"),
}

_REGISTRY_RW = {"registry.read", "registry.write", "registry.import", "registry.export", "identity.reveal"}
_WORK = {"assignments.read", "assignments.work"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {"accounts.manage", "jurisdictions.manage", "audit.read", "assignments.issue"} | _REGISTRY_RW | _WORK
    ),
    "city_command": frozenset({"assignments.issue"} | _REGISTRY_RW | _WORK),
    "district_command": frozenset({"assignments.issue"} | _REGISTRY_RW | _WORK),
    "community_worker": frozenset(_REGISTRY_RW | _WORK),
    "investigator": frozenset({"registry.read", "identity.reveal", "assignments.issue"} | _WORK),
    # Labs and unit officers never browse the registry: labs find the person of a sample by code or
    # identity number in the testing module; unit officers see their own staff through units.staff.
    "lab": frozenset(_WORK),
    "unit_officer": frozenset({"units.staff"} | _WORK),
    "venue_operator": frozenset({"venues.operate"} | _WORK),
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
