"""Pure policy for units: kinds, membership roles, which companies place staff elsewhere, and the unified
social credit code.

- Unit kinds follow the places MISSION R14–R16 name (employers, schools, hospitals, clinics, pharmacies,
  property, cleaning and logistics companies) plus the companies of R12: labour-dispatch (劳务派遣) and
  housekeeping (家政) companies, whose staff are health-managed at the source, through the company.
- 统一社会信用代码 (unified social credit code), GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》:
  18 characters from the 31-character set 0-9 A-H J-N P Q R T U W X Y (no I, O, S, V, Z): registration
  authority (1), organisation category (1), the registering authority's administrative division code
  (6 digits, GB/T 2260), the organisation's body code (9, GB 11714) and a check character: with weights
  w_i = 3^i mod 31 (i = 0…16) the check value is 31 − (Σ value_i·w_i mod 31), and 31 becomes 0. Units
  registered before the code existed keep local codes of other lengths, which are accepted as they are.
"""

from __future__ import annotations

import re

from lianfang.core.errors import Problem

KINDS: dict[str, tuple[str, str]] = {
    "employer": ("企业", "Employer"),
    "office": ("机关事业单位/办公场所", "Office / public institution"),
    "factory": ("工厂", "Factory"),
    "school": ("学校", "School"),
    "kindergarten": ("幼儿园", "Kindergarten"),
    "hospital": ("医院", "Hospital"),
    "clinic": ("诊所/社区卫生服务站", "Clinic"),
    "pharmacy": ("药店", "Pharmacy"),
    "property": ("物业公司", "Property management company"),
    "cleaning": ("保洁公司", "Cleaning company"),
    "labour_dispatch": ("劳务派遣公司", "Labour-dispatch company"),
    "housekeeping": ("家政公司", "Housekeeping company"),
    "canteen": ("食堂/餐饮服务单位", "Canteen / catering"),
    "other": ("其他", "Other"),
}

ROLES: dict[str, tuple[str, str]] = {
    "staff": ("职工", "Staff"),
    "teacher": ("教职工", "Teacher / school staff"),
    "student": ("学生", "Student"),
    "property": ("物业人员", "Property staff"),
    "cleaning": ("保洁人员", "Cleaner"),
    "logistics": ("后勤人员", "Logistics"),
    "canteen": ("食堂人员", "Canteen staff"),
    "security": ("保安", "Security"),
    "dispatched": ("派遣人员", "Dispatched worker"),
    "housekeeper": ("家政服务员", "Housekeeper"),
}

# Companies that place their people in other units (R12: managed at the source, through the company).
PLACING_KINDS = frozenset({"labour_dispatch", "housekeeping", "property", "cleaning"})
# Roles that only make sense in an educational unit ("other" covers training centres and the like).
EDUCATION_ROLES = frozenset({"student", "teacher"})
EDUCATION_KINDS = frozenset({"school", "kindergarten", "other"})
# Roles of people who work in a unit, as opposed to those who study there.
WORKING_ROLES = frozenset(ROLES) - {"student"}

_ALIASES: dict[str, str] = {zh: key for key, (zh, _en) in KINDS.items()} | {
    "单位": "employer",
    "公司": "employer",
    "企业": "employer",
    "机关": "office",
    "事业单位": "office",
    "诊所": "clinic",
    "社区卫生服务站": "clinic",
    "物业": "property",
    "保洁": "cleaning",
    "劳务派遣": "labour_dispatch",
    "家政": "housekeeping",
    "食堂": "canteen",
}
_ROLE_ALIASES: dict[str, str] = {zh: key for key, (zh, _en) in ROLES.items()} | {
    "员工": "staff",
    "教师": "teacher",
    "老师": "teacher",
    "物业": "property",
    "保洁": "cleaning",
    "后勤": "logistics",
    "食堂": "canteen",
    "派遣": "dispatched",
    "家政": "housekeeper",
}

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
USCC_LENGTH = 18
_LOCAL_CODE = re.compile(r"^[0-9A-Z][0-9A-Z-]{0,39}$")


def normalise_kind(raw: str) -> str | None:
    value = raw.strip()
    return value.lower() if value.lower() in KINDS else _ALIASES.get(value)


def normalise_role(raw: str) -> str | None:
    value = raw.strip()
    return value.lower() if value.lower() in ROLES else _ROLE_ALIASES.get(value)


def normalise_code(raw: str) -> str:
    return raw.strip().upper().replace(" ", "")


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters (all from USCC_CHARSET)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def code_problem(raw: str, field: str = "code", row: int | None = None) -> Problem | None:
    """None when `raw` is a valid unit code: an 18-character unified social credit code that passes the
    GB 32100-2015 check, or a local code (1-40 letters, digits or '-') of another length."""
    code = normalise_code(raw)
    if not code:
        return Problem(field, "单位代码不能为空", "the unit code is required", row)
    if len(code) == USCC_LENGTH:
        return uscc_problem(code, field, row)
    if not _LOCAL_CODE.match(code):
        return Problem(
            field,
            "单位代码最多40位，只能包含字母、数字和“-”",
            "a unit code has at most 40 letters, digits or '-'",
            row,
        )
    return None


def uscc_problem(code: str, field: str = "code", row: int | None = None) -> Problem | None:
    """None when `code` (18 characters, normalised) is a valid unified social credit code."""
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        return Problem(
            field,
            f"统一社会信用代码含有无效字符：{''.join(bad)}（不使用I、O、S、V、Z）",
            f"the unified social credit code has invalid characters: {''.join(bad)} (no I, O, S, V, Z)",
            row,
        )
    if not code[2:8].isdigit():
        return Problem(
            field,
            "统一社会信用代码第3-8位应为行政区划码（数字）",
            "characters 3-8 of a unified social credit code are a division code (digits)",
            row,
        )
    if uscc_check_character(code[:17]) != code[17]:
        return Problem(
            field,
            "统一社会信用代码校验位错误，请核对",
            "the unified social credit code's check character is wrong",
            row,
        )
    return None


def role_kind_problem(role: str, kind: str, field: str = "role", row: int | None = None) -> Problem | None:
    """Students and teachers belong to schools and kindergartens (or 'other', e.g. training centres)."""
    if role in EDUCATION_ROLES and kind not in EDUCATION_KINDS:
        return Problem(
            field,
            f"“{ROLES[role][0]}”只能登记在学校或幼儿园",
            f"a {ROLES[role][1].lower()} belongs to a school or kindergarten",
            row,
        )
    return None


def role_conflict(current: str, wanted: str, field: str = "role", row: int | None = None) -> Problem | None:
    """A person cannot both study and work in the same unit (a student is not also its staff)."""
    if (current == "student") != (wanted == "student"):
        return Problem(
            field,
            f"同一人不能在同一单位既是学生又是{ROLES[wanted if current == 'student' else current][0]}",
            "the same person cannot be both a student and "
            f"{ROLES[wanted if current == 'student' else current][1].lower()} of the same unit",
            row,
        )
    return None


def via_unit_problem(
    via_kind: str | None, via_active: bool, same_unit: bool, field: str = "via_unit", row: int | None = None
) -> Problem | None:
    """The company that placed a person must exist, be active, be another unit and be of a placing kind."""
    if via_kind is None:
        return Problem(field, "找不到派出单位", "the placing company was not found", row)
    if same_unit:
        return Problem(field, "派出单位不能是本单位", "the placing company cannot be the unit itself", row)
    if not via_active:
        return Problem(field, "派出单位已停用", "the placing company is inactive", row)
    if via_kind not in PLACING_KINDS:
        names = "、".join(KINDS[k][0] for k in sorted(PLACING_KINDS))
        return Problem(
            field,
            f"派出单位应为{names}",
            "the placing company must be a labour-dispatch, housekeeping, property or cleaning company",
            row,
        )
    return None
