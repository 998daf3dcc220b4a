"""`generate_city`: the whole synthetic Beijing for a population size and a seed.

Deterministic: the same (n_persons, seed, reference_date) always gives identical arrays. Memory is linear in
the population (≈ 250 bytes per person including the string columns)."""

from __future__ import annotations

from datetime import date

import numpy as np

from lianfang.sim import names, population
from lianfang.sim.builders import Residents
from lianfang.sim.tables import City, Persons
from lianfang.sim.workplaces import build_workplaces

DEFAULT_REFERENCE_DATE = date(2021, 10, 1)


def generate_city(n_persons: int, seed: int, reference_date: date = DEFAULT_REFERENCE_DATE) -> City:
    if n_persons < 1:
        msg = "a city needs at least one person"
        raise ValueError(msg)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xC17]))
    districts, streets, communities, weight = population.generate_admin(n_persons, rng)
    households = population.generate_households(n_persons, weight, communities, rng)
    relation, age, male = population.fill_households(households, rng)
    household = np.repeat(np.arange(len(households), dtype=np.int64), households.size.astype(np.int64))
    community = households.community.astype(np.int64)[household]
    street = communities.street.astype(np.int64)[community]
    district = communities.district.astype(np.int64)[community]
    birth = population.birth_dates(age, reference_date, rng)
    region = districts.code.astype(np.int64)[district]
    work = build_workplaces(Residents(community, street, district, age, male), communities, streets, rng)
    persons = Persons(
        household=household.astype(np.int32),
        community=community.astype(np.int32),
        street=street.astype(np.int32),
        district=district.astype(np.int16),
        relation=relation.astype(np.int8),
        male=male,
        age=age.astype(np.int16),
        birth_date=birth,
        id_number=names.id_numbers(region, birth, male, rng),
        name=names.person_names(rng, male),
        phone=names.phone_numbers(rng, n_persons),
        unit=work.unit,
        school_class=work.school_class,
        metro_commuter=work.metro_commuter,
        home_metro=work.home_metro,
        scan_habit=rng.random(n_persons, dtype=np.float32),
    )
    return City(
        seed=seed,
        reference_date=reference_date,
        districts=districts,
        streets=streets,
        communities=communities,
        households=households,
        persons=persons,
        units=work.units,
        classes=work.classes,
        venues=work.venues,
    )
