"""Administrative tree (districts → streets → communities), households and residents.

Households are drawn from a size distribution with mean ≈ 2.6 and filled from templates (couple, parents
with children, three generations, singles ...), so ages within a household are coherent and the city-wide
age pyramid comes out close to Beijing's 2020 census shares (0–14 ≈ 12 %, 60+ ≈ 20 %)."""

from __future__ import annotations

from datetime import date

import numpy as np

from lianfang.sim import geo, names
from lianfang.sim._arrays import (
    F64,
    I64,
    B,
    D,
    Rng,
    digit_codepoints,
    randomised_round,
    strings_from_codepoints,
)
from lianfang.sim.tables import Communities, Districts, Households, Streets

HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5, 6])
HOUSEHOLD_SIZE_P = np.array([0.20, 0.32, 0.27, 0.12, 0.06, 0.03])
HOUSEHOLD_SIZE_P = HOUSEHOLD_SIZE_P / HOUSEHOLD_SIZE_P.sum()

PERSONS_PER_COMMUNITY = 2_500
MIN_COMMUNITIES_PER_DISTRICT = 4
COMMUNITIES_PER_STREET = 15

# Roles: H head, P spouse, C child, G parent of the head (elder), S single adult.
_ROLE_CODE = {"H": 0, "P": 1, "C": 2, "G": 3, "S": 4}
# size -> [(probability, roles, head age low, head age high)]
_TEMPLATES: dict[int, list[tuple[float, str, int, int]]] = {
    1: [(0.60, "S", 20, 36), (0.22, "S", 36, 60), (0.18, "S", 58, 88)],
    2: [(0.35, "HP", 22, 36), (0.37, "HP", 47, 80), (0.28, "HC", 44, 78)],
    3: [(0.80, "HPC", 29, 56), (0.10, "HPG", 30, 52), (0.10, "HCG", 28, 48)],
    4: [(0.35, "HPCC", 32, 52), (0.45, "HPCG", 28, 50), (0.20, "HPGG", 28, 42)],
    5: [(0.60, "HPCGG", 28, 45), (0.40, "HPCCG", 30, 48)],
    6: [(1.00, "HPCCGG", 30, 45)],
}


class _Tree:
    """Street and community columns while the tree is built."""

    def __init__(self) -> None:
        self.st: dict[str, list[object]] = {k: [] for k in ("code", "name", "district", "township", "box")}
        self.cm: dict[str, list[object]] = {
            k: [] for k in ("code", "name", "street", "district", "village", "box", "weight")
        }

    def district(self, d: int, n_comm: int, share: float, rng: Rng) -> None:
        info = geo.DISTRICTS[d]
        n_streets = max(2, min(n_comm // 2, round(n_comm / COMMUNITIES_PER_STREET)))
        per_street = np.full(n_streets, n_comm // n_streets)
        per_street[rng.permutation(n_streets)[: n_comm % n_streets]] += 1
        n_urban = round(info.urban_share * n_streets)
        street_boxes = geo.tile(np.array(info.box), n_streets, rng)
        taken: set[str] = set()
        street_names = names.unique_place_names(rng, n_urban, "街道", taken)
        street_names += names.unique_place_names(rng, n_streets - n_urban, "镇", taken)
        for j in range(n_streets):
            township = j >= n_urban
            street_id = len(self.st["code"])
            code = f"{info.code}{j + 1:03d}"
            for key, value in (
                ("code", code),
                ("name", street_names[j]),
                ("district", d),
                ("township", township),
                ("box", street_boxes[j]),
            ):
                self.st[key].append(value)
            k = int(per_street[j])
            village = (rng.random(k) < 0.8) if township else np.zeros(k, dtype=bool)
            n_shequ = int((~village).sum())
            shequ_names = iter(names.unique_place_names(rng, n_shequ, "社区", taken))
            village_names = iter(names.unique_place_names(rng, k - n_shequ, "村", taken))
            # 社区 are numbered from 001, 村 (villagers' committees) from 201.
            number = np.where(village, 200 + np.cumsum(village), np.cumsum(~village))
            self.cm["code"].extend(f"{code}{int(x):03d}" for x in number)
            self.cm["name"].extend(next(village_names) if v else next(shequ_names) for v in village)
            self.cm["street"].extend([street_id] * k)
            self.cm["district"].extend([d] * k)
            self.cm["village"].extend(village.tolist())
            self.cm["box"].extend(geo.tile(street_boxes[j], k, rng))
            self.cm["weight"].extend((share / n_comm * rng.lognormal(0.0, 0.35, k)).tolist())


def generate_admin(n_persons: int, rng: Rng) -> tuple[Districts, Streets, Communities, F64]:
    """The tree, plus a weight per community (expected share of residents)."""
    shares = geo.population_shares()
    total = max(MIN_COMMUNITIES_PER_DISTRICT * len(geo.DISTRICTS), round(n_persons / PERSONS_PER_COMMUNITY))
    per_district = np.maximum(MIN_COMMUNITIES_PER_DISTRICT, randomised_round(rng, shares * total))
    tree = _Tree()
    for d in range(len(geo.DISTRICTS)):
        tree.district(d, int(per_district[d]), float(shares[d]), rng)
    st, cm = tree.st, tree.cm
    districts = Districts(
        code=np.array([d.code for d in geo.DISTRICTS]),
        name=np.array([d.name for d in geo.DISTRICTS]),
        name_en=np.array([d.name_en for d in geo.DISTRICTS]),
        box=geo.district_boxes(),
        population_share=shares,
    )
    streets = Streets(
        code=np.array(st["code"], dtype=np.str_),
        name=np.array(st["name"], dtype=np.str_),
        district=np.array(st["district"], dtype=np.int16),
        box=np.array(st["box"], dtype=np.float64),
        township=np.array(st["township"], dtype=bool),
    )
    communities = Communities(
        code=np.array(cm["code"], dtype=np.str_),
        name=np.array(cm["name"], dtype=np.str_),
        street=np.array(cm["street"], dtype=np.int32),
        district=np.array(cm["district"], dtype=np.int16),
        box=np.array(cm["box"], dtype=np.float64),
        village=np.array(cm["village"], dtype=bool),
    )
    # Community sizes vary, district totals keep the census shares.
    weight = np.array(cm["weight"], dtype=np.float64)
    per_district_total = np.bincount(communities.district, weights=weight, minlength=len(geo.DISTRICTS))
    weight = weight * (shares / per_district_total)[communities.district]
    return districts, streets, communities, weight / weight.sum()


def generate_households(
    n_persons: int, community_weight: F64, communities: Communities, rng: Rng
) -> Households:
    """Household sizes summing exactly to n_persons, each in a community, sorted by community."""
    expected = int(n_persons / float(HOUSEHOLD_SIZES @ HOUSEHOLD_SIZE_P) * 1.1) + 10
    sizes = rng.choice(HOUSEHOLD_SIZES, size=expected, p=HOUSEHOLD_SIZE_P)
    cum = np.cumsum(sizes)
    n_households = int(np.searchsorted(cum, n_persons, side="left")) + 1
    sizes = sizes[:n_households].copy()
    sizes[-1] -= int(cum[n_households - 1]) - n_persons
    community = np.sort(rng.choice(community_weight.shape[0], size=n_households, p=community_weight))
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # Code: community code + 5-digit number inside the community.
    starts = np.searchsorted(community, community, side="left")
    number = np.arange(n_households) - starts + 1
    code = np.char.add(communities.code[community], strings_from_codepoints(digit_codepoints(number, 5)))
    return Households(
        code=code.astype(np.str_),
        community=community.astype(np.int32),
        size=sizes.astype(np.int8),
        first_person=first.astype(np.int32),
    )


def fill_households(households: Households, rng: Rng) -> tuple[I64, I64, B]:
    """(relation code, age in years, male) for every person, household by household."""
    sizes = households.size.astype(np.int64)
    n = int(sizes.sum())
    relation = np.zeros(n, dtype=np.int64)
    age = np.zeros(n, dtype=np.int64)
    male = np.zeros(n, dtype=bool)
    for size, templates in _TEMPLATES.items():
        hh = np.flatnonzero(sizes == size)
        if hh.shape[0] == 0:
            continue
        probs = np.array([t[0] for t in templates])
        choice = rng.choice(len(templates), size=hh.shape[0], p=probs / probs.sum())
        for t, (_, roles, lo, hi) in enumerate(templates):
            members = hh[choice == t]
            m = members.shape[0]
            if m == 0:
                continue
            first = households.first_person[members].astype(np.int64)
            head_age = rng.integers(lo, hi + 1, size=m)
            head_male = rng.random(m) < 0.52
            for slot, role in enumerate(roles):
                idx = first + slot
                relation[idx] = _ROLE_CODE[role]
                if role in "HS":
                    age[idx], male[idx] = head_age, head_male
                elif role == "P":
                    age[idx] = np.maximum(18, head_age + np.rint(rng.normal(-1.0, 3.0, m)).astype(np.int64))
                    male[idx] = ~head_male
                elif role == "C":
                    top = np.minimum(40, head_age)
                    gap = 22 + np.floor(rng.random(m) * (top - 22 + 1)).astype(np.int64)
                    age[idx] = np.maximum(0, head_age - gap)
                    male[idx] = rng.random(m) < 0.51
                else:  # G: a parent of the head
                    age[idx] = np.minimum(99, head_age + rng.integers(24, 35, size=m))
                    male[idx] = rng.random(m) < 0.45
    return relation, age, male


def birth_dates(age: I64, reference: date, rng: Rng) -> D:
    """A birth date giving exactly `age` whole years on `reference`: uniform in
    (reference − (age + 1) years, reference − age years]."""
    ref = np.datetime64(reference, "D")
    ref_month = ref.astype("datetime64[M]")
    day_in_month = ref - ref_month.astype("datetime64[D]")
    months = age.astype(np.int64) * 12
    latest = (ref_month - months).astype("datetime64[D]") + day_in_month
    earliest = (ref_month - months - 12).astype("datetime64[D]") + day_in_month  # exclusive
    length = (latest - earliest).astype(np.int64)
    born = latest - (rng.random(int(age.shape[0])) * length).astype(np.int64)
    return np.asarray(born, dtype="datetime64[D]")
