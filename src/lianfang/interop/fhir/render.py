"""FHIR R4 (4.0.1) resources built from a batch of lianfang records, as plain JSON-ready dicts.

One case gives: the Patient (pseudonym as its identifier; the identity number and phone only when
`revealed` carries them), the COVID-19 Condition, per test result an Observation (LOINC 94500-6, SNOMED
CT value) and a DiagnosticReport, per dose an Immunization, per confirmed contact a RelatedPerson linked
to the case's Patient, per control order an Encounter (OBSENC for centralised isolation, HH at home),
and the community as a Location. Ids are stable (`urn:uuid` v5 of the record), so two exports of the
same case name the same resources."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from lianfang.control import rules as control_rules
from lianfang.interop.fhir import rules as codes
from lianfang.interop.fhir.repository import Batch
from lianfang.tracing.models import TracingCase, TracingContact
from lianfang.vaccination import rules as vaccination_rules

NAMESPACE = uuid.UUID("5d0c5c1e-8a3a-4f4e-9d2b-6c1a7f0e2b11")
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}  # the RFC 4122 variant bits 10xx
Entry = dict[str, Any]


def ref(kind: str, key: object) -> str:
    """`urn:uuid:` of a name-based (version 5) UUID of the record, RFC 4122 §4.3: the same value as
    `uuid.uuid5(NAMESPACE, name)`, formatted here without building UUID objects (a 10,000-case export
    names 180,000 references, and the objects were a quarter of its time)."""
    h = hashlib.sha1(NAMESPACE.bytes + f"{kind}/{key}".encode(), usedforsecurity=False).hexdigest()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _entry(resource: dict[str, Any], url: str) -> Entry:
    resource["id"] = url.rsplit(":", 1)[1]
    return {"fullUrl": url, "resource": {k: v for k, v in resource.items() if v not in (None, [], "")}}


def patient(batch: Batch, person_id: int, revealed: dict[int, tuple[str, str | None]]) -> Entry:
    person = batch.people[person_id]
    identifiers = [{"system": codes.PSEUDONYM, "value": person.pseudonym}]
    telecom = []
    if person_id in revealed:
        number, phone = revealed[person_id]
        identifiers.append(
            {
                "system": codes.CN_RESIDENT_ID
                if person.id_kind == "resident_id"
                else f"urn:lianfang:id-kind:{person.id_kind}",
                "value": number,
            }
        )
        if phone:
            telecom.append({"system": "phone", "value": phone})
    place = batch.places.get(person.community_id)
    return _entry(
        {
            "resourceType": "Patient",
            "identifier": identifiers,
            "name": [{"text": person.name}],
            "telecom": telecom,
            "gender": codes.GENDERS.get(person.sex or "", "unknown"),
            "birthDate": _day(person.birth_date),
            "address": [{"district": place.name, "country": "CN"}] if place else [],
        },
        ref("Patient", person_id),
    )


def location(place_id: int, batch: Batch) -> Entry:
    place = batch.places[place_id]
    return _entry(
        {
            "resourceType": "Location",
            "status": "active" if place.active else "inactive",
            "name": place.name,
            "identifier": [{"system": codes.JURISDICTION_CODE, "value": place.code}],
            "mode": "instance",
        },
        ref("Location", place_id),
    )


def condition(case: TracingCase) -> Entry:
    clinical = "resolved" if case.status == "closed" else "active"
    verification = {"pending": "provisional", "discarded": "entered-in-error"}.get(case.status, "confirmed")
    return _entry(
        {
            "resourceType": "Condition",
            "identifier": [{"system": codes.CASE_CODE, "value": case.code}],
            "clinicalStatus": {"coding": [{"system": codes.CONDITION_CLINICAL, "code": clinical}]},
            "verificationStatus": {
                "coding": [{"system": codes.CONDITION_VERIFICATION, "code": verification}]
            },
            "code": {
                "coding": [
                    {"system": codes.SNOMED, "code": codes.COVID_SNOMED[0], "display": codes.COVID_SNOMED[1]},
                    {"system": codes.CASE_CLASSIFICATION, "code": case.classification},
                ],
                "text": "新冠病毒感染（确诊病例）"
                if case.classification == "confirmed"
                else "新冠病毒无症状感染者",
            },
            "subject": {"reference": ref("Patient", case.person_id)},
            "onsetDateTime": _instant(case.onset_at),
            "recordedDate": _instant(case.reported_at),
        },
        ref("Condition", case.id),
    )


def results(batch: Batch, person_id: int) -> Iterator[Entry]:
    subject = {"reference": ref("Patient", person_id)}
    code = {"coding": [{"system": codes.LOINC, "code": codes.RNA_LOINC, "display": codes.RNA_DISPLAY}]}
    for row in batch.results.get(person_id, ()):
        system, value, display = codes.EXPORT_VALUES[row.result]
        observation = ref("Observation", row.id)
        specimen = {"identifier": {"system": codes.TUBE_BARCODE, "value": row.barcode}}
        note = f"pooled tube of up to {row.capacity}" if row.kind == "pooled" else ""
        yield _entry(
            {
                "resourceType": "Observation",
                "status": "final",
                "category": [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "laboratory"}]}],
                "code": code,
                "subject": subject,
                "effectiveDateTime": _instant(row.sampled_at),
                "issued": _instant(row.reported_at),
                "valueCodeableConcept": {"coding": [{"system": system, "code": value, "display": display}]},
                "specimen": specimen,
                "note": [{"text": note}] if note else [],
            },
            observation,
        )
        yield _entry(
            {
                "resourceType": "DiagnosticReport",
                "identifier": [{"system": codes.TUBE_BARCODE, "value": row.barcode}],
                "status": "final",
                "code": code,
                "subject": subject,
                "effectiveDateTime": _instant(row.sampled_at),
                "issued": _instant(row.reported_at),
                "result": [{"reference": observation}],
            },
            ref("DiagnosticReport", row.id),
        )


def immunizations(batch: Batch, person_id: int) -> Iterator[Entry]:
    for dose in batch.doses.get(person_id, ()):
        product = vaccination_rules.PRODUCTS.get(dose.product)
        yield _entry(
            {
                "resourceType": "Immunization",
                "status": "completed",
                "vaccineCode": {
                    "coding": [{"system": codes.VACCINE_PRODUCT, "code": dose.product}],
                    "text": product.zh if product else dose.product,
                },
                "patient": {"reference": ref("Patient", person_id)},
                "occurrenceDateTime": _day(dose.dosed_on),
                "lotNumber": dose.batch,
                "location": {"display": dose.site_name or dose.site_code},
                "protocolApplied": [{"doseNumberPositiveInt": dose.dose_number}],
            },
            ref("Immunization", dose.id),
        )


def related_person(batch: Batch, case: TracingCase, contact: TracingContact) -> Entry:
    person = batch.people.get(contact.person_id) if contact.person_id else None
    name = person.name if person else contact.outside_name
    return _entry(
        {
            "resourceType": "RelatedPerson",
            "identifier": [{"system": codes.PSEUDONYM, "value": person.pseudonym}] if person else [],
            "patient": {"reference": ref("Patient", case.person_id)},
            "relationship": [
                {
                    "coding": [{"system": codes.CONTACT_CATEGORY, "code": contact.category}],
                    "text": contact.reason,
                }
            ],
            "name": [{"text": name}] if name else [],
            "period": {
                k: v
                for k, v in (
                    ("start", _instant(contact.first_contact_at)),
                    ("end", _instant(contact.last_contact_at)),
                )
                if v
            }
            or None,
        },
        ref("RelatedPerson", contact.id),
    )


def encounters(batch: Batch, person_id: int) -> Iterator[Entry]:
    person = batch.people[person_id]
    for order in batch.orders.get(person_id, ()):
        kind_zh, kind_en = control_rules.ORDER_KINDS.get(order.kind, (order.kind, order.kind))
        klass = "OBSENC" if order.kind == "centralised" else "HH"
        yield _entry(
            {
                "resourceType": "Encounter",
                "status": "in-progress" if order.status == "active" else "finished",
                "class": {"system": codes.V3_ACT, "code": klass},
                "type": [
                    {
                        "coding": [{"system": codes.ORDER_KIND, "code": order.kind}],
                        "text": f"{kind_zh} / {kind_en}",
                    }
                ],
                "subject": {"reference": ref("Patient", person_id)},
                "period": {"start": _instant(order.created_at), "end": _day(order.ended_on or order.ends_on)},
                "reasonCode": [
                    {"text": control_rules.PERSON_CLASSES.get(order.person_class, (order.person_class,))[0]}
                ],
                "location": [{"location": {"reference": ref("Location", person.community_id)}}]
                if person.community_id in batch.places
                else [],
            },
            ref("Encounter", order.id),
        )


def case_entries(
    batch: Batch, case: TracingCase, revealed: dict[int, tuple[str, str | None]]
) -> Iterator[Entry]:
    yield patient(batch, case.person_id, revealed)
    person = batch.people[case.person_id]
    if person.community_id in batch.places:
        yield location(person.community_id, batch)
    yield condition(case)
    yield from results(batch, case.person_id)
    yield from immunizations(batch, case.person_id)
    yield from encounters(batch, case.person_id)
    for contact in batch.contacts.get(case.id, ()):
        yield related_person(batch, case, contact)


def bundle(entries: list[Entry], now: datetime, bundle_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"lastUpdated": now.isoformat()},
        "type": "collection",
        "timestamp": now.isoformat(),
    }
    if entries:  # FHIR JSON has no empty arrays
        out["entry"] = entries
    return out
