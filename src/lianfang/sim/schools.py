"""Schools and classes: per level and district, schools are filled with nearby children (persons are stored
community by community, so contiguous runs are neighbours) and split into classes per grade; universities
are few and city-wide."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lianfang.sim import geo
from lianfang.sim._arrays import I64, rank_in_group
from lianfang.sim.builders import BuildContext
from lianfang.sim.kinds import GRADE_NAMES, SCHOOL_TYPES, SchoolLevel, SchoolType, UnitKind, VenueKind

UNIVERSITY_DISTRICT_WEIGHT = {"110108": 5.0, "110114": 2.5, "110105": 1.5, "110111": 1.0, "110115": 1.0}


def _class_name(level: SchoolLevel, grade: int, number: int) -> str:
    if level == SchoolLevel.KINDERGARTEN:
        return f"{('小', '中', '大')[min(grade, 2)]}{number + 1}班"
    if level == SchoolLevel.UNIVERSITY:
        return f"{grade + 1}年级{number + 1}班"
    head = GRADE_NAMES[grade] if grade < len(GRADE_NAMES) else str(grade + 1)
    return f"{head}年级{number + 1}班"


@dataclass
class _ClassCols:
    unit: list[I64]
    level: list[I64]
    grade: list[I64]
    names: list[str]
    count: int = 0


def _place_students(ctx: BuildContext, st: SchoolType, students: I64) -> tuple[I64, I64, I64]:
    """(students reordered, school number per student, community per school)."""
    rng, people = ctx.rng, ctx.people
    if st.level == SchoolLevel.UNIVERSITY:
        uni_weight = np.array([UNIVERSITY_DISTRICT_WEIGHT.get(d.code, 0.3) for d in geo.DISTRICTS])
        uni_weight = uni_weight * (ctx.pop > 0)
        n_sch = max(1, round(students.shape[0] / st.size))
        district = rng.choice(ctx.n_districts, size=n_sch, p=uni_weight / uni_weight.sum())
        return students, rng.integers(0, n_sch, size=students.shape[0]), ctx.place(district)
    # Children are stored community by community, so contiguous runs within a district are neighbours.
    district_of = people.district[students]
    order = np.argsort(district_of, kind="stable")
    students, district_of = students[order], district_of[order]
    per_d = np.bincount(district_of, minlength=ctx.n_districts)
    n_sch_d = np.where(per_d > 0, np.maximum(1, np.rint(per_d / st.size)), 0).astype(np.int64)
    rank = rank_in_group(district_of)
    school_base = np.concatenate([[0], np.cumsum(n_sch_d)[:-1]])
    school = school_base[district_of] + rank * n_sch_d[district_of] // per_d[district_of]
    n_sch = int(n_sch_d.sum())
    first = np.searchsorted(school, np.arange(n_sch))
    last = np.searchsorted(school, np.arange(n_sch), side="right") - 1
    return students, school, people.community[students[(first + last) // 2]]


def _deal_classes(
    ctx: BuildContext,
    st: SchoolType,
    students: I64,
    school: I64,
    unit_ids: I64,
    school_class: I64,
    cols: _ClassCols,
) -> None:
    """Per (school, grade): students shuffled, then dealt round-robin into classes of ~class_size."""
    grade = ctx.people.age[students] - st.age_min
    key = school * 16 + grade
    order = np.lexsort((ctx.rng.random(int(students.shape[0])), key))
    key_sorted = key[order]
    rank = rank_in_group(key_sorted)
    uniq, group, size = np.unique(key_sorted, return_inverse=True, return_counts=True)
    per_group = np.ceil(size / st.class_size).astype(np.int64)
    base = cols.count + np.concatenate([[0], np.cumsum(per_group)[:-1]])
    school_class[students[order]] = base[group] + rank % per_group[group]
    cols.count += int(per_group.sum())
    g_school, g_grade = uniq // 16, uniq % 16
    cols.unit.append(np.repeat(unit_ids[g_school], per_group))
    cols.level.append(np.full(int(per_group.sum()), int(st.level), dtype=np.int64))
    cols.grade.append(np.repeat(g_grade + 1, per_group))
    for g, k in zip(g_grade.tolist(), per_group.tolist(), strict=True):
        cols.names.extend(_class_name(st.level, g, c) for c in range(k))


def build_schools(ctx: BuildContext, unit: I64, school_class: I64) -> _ClassCols:
    """Creates school units, venues and classes; fills `unit` / `school_class` of students in place."""
    rng, people = ctx.rng, ctx.people
    cols = _ClassCols([], [], [], [])
    for st in SCHOOL_TYPES:
        eligible = (people.age >= st.age_min) & (people.age <= st.age_max) & (unit < 0)
        students = np.flatnonzero(eligible & (rng.random(eligible.shape[0]) < st.enrolment))
        if students.shape[0] == 0:
            continue
        students, school, community = _place_students(ctx, st, students)
        enrolled = np.bincount(school, minlength=community.shape[0])
        per_teacher = 7 if st.level == SchoolLevel.KINDERGARTEN else 12
        staff = np.maximum(1, np.ceil(enrolled / per_teacher)).astype(np.int64)
        venue_ids = ctx.venues.add(VenueKind.SCHOOL, community, enrolled + staff, school_level=int(st.level))
        unit_ids = ctx.units.add(UnitKind.SCHOOL, community, venue_ids, staff)
        ctx.venue_unit.append((venue_ids, unit_ids))
        unit[students] = unit_ids[school]
        _deal_classes(ctx, st, students, school, unit_ids, school_class, cols)
    return cols
