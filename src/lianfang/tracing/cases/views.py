"""How a person is shown on tracing pages: masked name and ID, community."""

from __future__ import annotations

from typing import Any

from lianfang.people.models import Person
from lianfang.people.rules import mask_name
from lianfang.tracing import repository


def person_label(person: Person | None) -> dict[str, Any]:
    if person is None:
        return {"name": "", "id_masked": "", "jurisdiction_path": None}
    return {
        "name": mask_name(person.name),
        "id_masked": person.id_masked,
        "jurisdiction_path": person.jurisdiction_path,
    }


def label_dict(label: repository.Label | None) -> dict[str, Any]:
    if label is None:
        return {"name": "", "id_masked": "", "jurisdiction_path": None}
    return {
        "name": mask_name(label.name),
        "id_masked": label.id_masked,
        "jurisdiction_path": label.jurisdiction_path,
    }
