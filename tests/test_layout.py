"""The layout checks itself (docs/conventions.md, "Layout"): every file of a domain module is named for its
role from one closed list, and the large modules are packages of sub-features with one router."""

from __future__ import annotations

from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "lianfang"
NOT_DOMAIN = {"core", "sim", "migrations", "templates", "static", "locale", "__pycache__"}

# The closed list of roles (docs/conventions.md defines each one).
TEMPLATE = {
    "__init__", "models", "rules", "repository", "access", "service", "events", "handlers", "schemas", "api",
    "pages", "cli", "tasks",
}  # fmt: skip
EXTRA = {
    "router",
    "hot",
    "views",
    "imports",
    "exports",
    "render",
    "refresh",
    "writer",
    "ports",
    "demo",
    "codec",
}
ROLES = TEMPLATE | EXTRA

# Modules whose features are sub-feature packages (`<module>/<feature>/`), gathered by `<module>/router.py`.
LARGE = {
    "checkins", "command", "control", "enforcement", "healthcodes", "information", "testing", "tracing",
    "unithealth", "interop",
}  # fmt: skip


def domain_modules() -> list[Path]:
    return sorted(p for p in SRC.iterdir() if p.is_dir() and p.name not in NOT_DOMAIN)


def sub_features(module: Path) -> list[Path]:
    return sorted(p for p in module.iterdir() if p.is_dir() and p.name != "__pycache__")


def test_the_domain_modules_are_found() -> None:
    names = {p.name for p in domain_modules()}
    assert names >= LARGE
    assert names >= {"people", "units", "venues", "assignments", "jurisdictions", "accounts"}


def test_every_file_is_named_for_its_role() -> None:
    strays = [
        str(path.relative_to(SRC))
        for module in domain_modules()
        for path in module.rglob("*.py")
        if path.stem not in ROLES
    ]
    assert strays == [], f"name these files for their role ({', '.join(sorted(ROLES))}): {strays}"


def test_every_package_says_what_it_holds() -> None:
    silent = []
    for module in domain_modules():
        for package in [module, *sub_features(module)]:
            init = package / "__init__.py"
            text = init.read_text(encoding="utf-8").lstrip() if init.exists() else ""
            if not text.startswith('"""'):
                silent.append(str(package.relative_to(SRC)))
    assert silent == [], f"these packages need an __init__.py with a docstring: {silent}"


def test_sub_features_are_one_level_deep() -> None:
    nested = [
        str(inner.relative_to(SRC))
        for module in domain_modules()
        for feature in sub_features(module)
        for inner in sub_features(feature)
    ]
    assert nested == []


@pytest.mark.parametrize("name", sorted(LARGE))
def test_a_large_module_is_a_package_of_sub_features(name: str) -> None:
    module = SRC / name
    assert len(sub_features(module)) >= 2, f"{name}: its features belong in sub-feature packages"
    assert (module / "router.py").exists(), f"{name}: one router.py gathers the sub-features' routers"
    assert not (module / "api.py").exists(), f"{name}: API routes belong to a sub-feature"


def test_small_modules_are_flat_or_say_why_not() -> None:
    """A small module keeps the flat template; one that grew a second feature's worth of files gives it a
    sub-feature package beside the flat files (people/households, units/staff, travel/{flags,...})."""
    for module in domain_modules():
        if module.name in LARGE:
            continue
        for feature in sub_features(module):
            assert (
                (feature / "service.py").exists()
                or (feature / "api.py").exists()
                or (feature / "pages.py").exists()
            ), f"{feature.relative_to(SRC)}: a sub-feature has use cases or routes of its own"


def test_every_module_with_routes_has_one_router() -> None:
    app = (SRC / "app.py").read_text(encoding="utf-8")
    for module in domain_modules():
        routed = [p for p in module.rglob("*.py") if "APIRouter(" in p.read_text(encoding="utf-8")]
        if not routed:
            continue
        assert (module / "router.py").exists(), f"{module.name}: add router.py"
        assert f"lianfang.{module.name}.router import router" in app, f"app.py must include {module.name}"
