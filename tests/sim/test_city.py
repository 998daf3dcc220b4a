"""The synthetic city: determinism, identity numbers, administrative tree and boundaries, population
structure, schools, work and venues."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from lianfang.people.rules import id_check_character, id_number_problem, sex_of
from lianfang.sim import City, generate_city, geo
from lianfang.sim.builders import uscc_check
from lianfang.sim.kinds import SCHOOL_TYPES, VENUE_TYPES, UnitKind, VenueKind
from lianfang.sim.names import SURNAMES

DISTRICTS = {
    "110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区", "110107": "石景山区",
    "110108": "海淀区", "110109": "门头沟区", "110111": "房山区", "110112": "通州区", "110113": "顺义区",
    "110114": "昌平区", "110115": "大兴区", "110116": "怀柔区", "110117": "平谷区", "110118": "密云区",
    "110119": "延庆区",
}  # fmt: skip


def test_same_seed_same_city(assert_same: Callable[[Any, Any], None]) -> None:
    assert_same(generate_city(3_000, seed=5), generate_city(3_000, seed=5))


def test_other_seed_other_city() -> None:
    a, b = generate_city(3_000, seed=5), generate_city(3_000, seed=6)
    assert not np.array_equal(a.persons.id_number, b.persons.id_number)


def test_districts_are_beijings(city: City) -> None:
    d = city.districts
    assert dict(zip(d.code.tolist(), d.name.tolist(), strict=True)) == DISTRICTS
    assert "Chaoyang" in d.name_en.tolist()
    assert abs(d.population_share.sum() - 1) < 1e-12
    # Residents per district follow the census shares.
    counts = np.bincount(city.persons.district, minlength=16) / len(city.persons)
    assert np.all(np.abs(counts - d.population_share) < 0.02)
    assert d.population_share[2] > 0.15  # 朝阳区 is the most populous


def test_id_numbers_valid_and_unique(city: City) -> None:
    p = city.persons
    ids = p.id_number.tolist()
    assert len(set(ids)) == len(ids)
    today = date(2021, 12, 31)
    for i, value in enumerate(ids):
        assert len(value) == 18
        assert id_check_character(value[:17]) == value[17]
        assert value[:6] == city.districts.code[p.district[i]]
        assert value[6:14] == str(p.birth_date[i]).replace("-", "")
        assert (sex_of(value) == "M") == bool(p.male[i])
    for value in ids[:: max(1, len(ids) // 500)]:
        assert id_number_problem(value, today) is None


def test_phones_and_names(city: City) -> None:
    phones = city.persons.phone.tolist()
    assert len(set(phones)) == len(phones)
    assert all(re.fullmatch(r"1[3-9]\d{9}", x) for x in phones)
    names = city.persons.name.tolist()
    assert all(2 <= len(x) <= 3 and x[0] in SURNAMES for x in names)
    assert len(set(names)) > len(names) // 4


def test_tree_codes(city: City) -> None:
    st, cm = city.streets, city.communities
    assert len(set(st.code.tolist())) == len(st)
    assert len(set(cm.code.tolist())) == len(cm)
    for i in range(len(st)):
        assert re.fullmatch(r"\d{9}", st.code[i])
        assert st.code[i].startswith(city.districts.code[st.district[i]])
        assert st.name[i].endswith("镇" if st.township[i] else "街道")
    for i in range(len(cm)):
        assert re.fullmatch(r"\d{12}", cm.code[i])
        assert cm.code[i].startswith(st.code[cm.street[i]])
        assert cm.name[i].endswith("村" if cm.village[i] else "社区")
    assert np.all(np.diff(st.district) >= 0)  # streets are numbered district by district


def _inside(inner: np.ndarray, outer: np.ndarray) -> bool:
    eps = 1e-9
    return bool(
        inner[0] >= outer[0] - eps and inner[1] >= outer[1] - eps
        and inner[2] <= outer[2] + eps and inner[3] <= outer[3] + eps
    )  # fmt: skip


def _overlap_area(boxes: np.ndarray) -> float:
    x = np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(boxes[:, None, 0], boxes[None, :, 0])
    y = np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(boxes[:, None, 1], boxes[None, :, 1])
    area = np.clip(x, 0, None) * np.clip(y, 0, None)
    np.fill_diagonal(area, 0)
    return float(area.sum())


def test_boundaries_nest_tile_and_do_not_overlap(city: City) -> None:
    d, st, cm = city.districts.box, city.streets.box, city.communities.box
    x0, y0, x1, y1 = geo.BBOX
    assert abs(((d[:, 2] - d[:, 0]) * (d[:, 3] - d[:, 1])).sum() - (x1 - x0) * (y1 - y0)) < 1e-9
    for boxes in (d, st, cm):
        assert _overlap_area(boxes) < 1e-12
        assert np.all(boxes[:, 2] > boxes[:, 0]) and np.all(boxes[:, 3] > boxes[:, 1])
    assert all(_inside(st[i], d[city.streets.district[i]]) for i in range(len(st)))
    assert all(_inside(cm[i], st[city.communities.street[i]]) for i in range(len(cm)))
    fc = city.communities.geojson()
    ring = fc["features"][0]["geometry"]["coordinates"][0]
    assert fc["type"] == "FeatureCollection" and ring[0] == ring[-1] and len(ring) == 5
    assert len(city.districts.geojson()["features"]) == 16


def test_households(city: City) -> None:
    h, p = city.households, city.persons
    assert int(h.size.sum()) == len(p)
    assert 2.4 <= float(h.size.mean()) <= 2.8
    assert h.size.min() >= 1 and h.size.max() <= 6
    members = np.repeat(np.arange(len(h)), h.size)
    np.testing.assert_array_equal(members, p.household)
    np.testing.assert_array_equal(h.first_person, np.concatenate([[0], np.cumsum(h.size)[:-1]]))
    np.testing.assert_array_equal(h.community[p.household], p.community)
    assert len(set(h.code.tolist())) == len(h)


def test_age_pyramid_and_birth_dates(city: City) -> None:
    p = city.persons
    age = p.age.astype(int)
    assert 0.09 <= (age < 15).mean() <= 0.18  # Beijing 2020: 11.9 %
    assert 0.60 <= ((age >= 15) & (age < 60)).mean() <= 0.76  # 68.5 %
    assert 0.14 <= (age >= 60).mean() <= 0.26  # 19.6 %
    assert age.min() >= 0 and age.max() <= 100
    assert 0.47 <= p.male.mean() <= 0.53
    ref = city.reference_date
    for i in range(0, len(p), 97):
        born = date.fromisoformat(str(p.birth_date[i]))
        exact = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
        assert exact == age[i]


def test_schools_and_classes(city: City) -> None:
    p, u, c = city.persons, city.units, city.classes
    students = np.flatnonzero(p.school_class >= 0)
    assert np.all(u.kind[p.unit[students]] == UnitKind.SCHOOL)
    np.testing.assert_array_equal(c.unit[p.school_class[students]], p.unit[students])
    # Compulsory education: everyone aged 6–14 is at school.
    assert np.all(p.school_class[(p.age >= 6) & (p.age <= 14)] >= 0)
    assert np.all(p.school_class[p.age < 3] < 0)
    sizes = np.bincount(p.school_class[students], minlength=len(c))
    assert sizes.min() >= 1
    assert sizes.max() <= max(t.class_size for t in SCHOOL_TYPES)
    for level, st in enumerate(SCHOOL_TYPES):
        in_level = students[c.level[p.school_class[students]] == level]
        assert np.all((p.age[in_level] >= st.age_min) & (p.age[in_level] <= st.age_max))
    # A class holds one grade.
    grade_of = c.grade[p.school_class[students]]
    first_age = np.array([t.age_min for t in SCHOOL_TYPES])[c.level[p.school_class[students]]]
    np.testing.assert_array_equal(grade_of, p.age[students] - first_age + 1)


def test_work(city: City) -> None:
    p, u = city.persons, city.units
    prime = (p.age >= 25) & (p.age <= 49)
    assert 0.7 <= (p.unit[prime] >= 0).mean() <= 0.95
    assert (p.unit[p.age < 16] < 0).sum() + (p.school_class[p.age < 16] >= 0).sum() >= (p.age < 16).sum()
    staff = np.bincount(p.unit[(p.unit >= 0) & (p.school_class < 0)], minlength=len(u))
    np.testing.assert_array_equal(staff, u.staff)
    kinds = set(u.kind.tolist())
    for k in (UnitKind.OFFICE, UnitKind.FACTORY, UnitKind.SCHOOL, UnitKind.HOSPITAL, UnitKind.CLINIC,
              UnitKind.PHARMACY, UnitKind.PROPERTY, UnitKind.CLEANING, UnitKind.HOUSEKEEPING,
              UnitKind.LABOUR_DISPATCH):  # fmt: skip
        assert int(k) in kinds
    assert np.all(u.venue >= 0)
    codes = u.code.tolist()
    assert len(set(codes)) == len(codes)
    assert all(len(x) == 18 and uscc_check(x[:17]) == x[17] for x in codes)
    dispatch = np.flatnonzero(u.kind == UnitKind.LABOUR_DISPATCH)
    assert np.all(city.venues.kind[u.venue[dispatch]] == VenueKind.FACTORY)


def test_venues(city: City) -> None:
    v = city.venues
    assert set(v.kind.tolist()) == {int(t.kind) for t in VENUE_TYPES}
    assert len(set(v.code.tolist())) == len(v)
    np.testing.assert_array_equal(v.street, city.communities.street[v.community])
    stays = {int(t.kind): t.stay_minutes for t in VENUE_TYPES}
    restaurants = v.kind == VenueKind.RESTAURANT
    assert np.all(v.stay_minutes[restaurants] == stays[int(VenueKind.RESTAURANT)])
    assert np.all(v.capacity >= 1)
    operated = v.unit >= 0
    np.testing.assert_array_equal(city.units.venue[v.unit[operated]], np.flatnonzero(operated))
    # Sizes are heavy-tailed: the biggest restaurant is several times the median one.
    cap = v.capacity[restaurants]
    assert cap.max() > 3 * np.median(cap)
    stations = v.kind == VenueKind.METRO_STATION
    no_metro = [i for i, d in enumerate(geo.DISTRICTS) if not d.has_metro]
    assert not np.isin(v.district[stations], no_metro).any()
    commuters = city.persons.metro_commuter
    assert np.all(v.kind[city.persons.home_metro[commuters]] == VenueKind.METRO_STATION)


def test_tiny_city() -> None:
    tiny = generate_city(5, seed=1)
    assert len(tiny.persons) == 5 and len(tiny.districts) == 16
    assert len(set(tiny.persons.id_number.tolist())) == 5
