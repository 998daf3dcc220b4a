"""Code systems of the FHIR exchange: which LOINC tests lianfang reads as a SARS-CoV-2 nucleic-acid result,
which SNOMED CT / HL7 values mean positive, negative or invalid, and the code systems lianfang names
itself (`urn:lianfang:*`) where no standard one fits.

LOINC (SARS-CoV-2 RNA, presence, by nucleic-acid amplification; the codes LOINC published for COVID-19
testing in 2020): 94500-6 respiratory specimen (the usual PCR), 94309-2 unspecified specimen, 94533-7 N
gene, 94534-5 RdRp gene, 94559-2 ORF1ab region, 94845-5 saliva, 95406-5 nose. RULES.md §5 (混采)
names no code system; the Chinese labs' own codes are not published in the sources, so only these are
accepted and any other code is refused by name."""

from __future__ import annotations

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# China's OID for the resident identity card number (居民身份证号), as Chinese clinical documents use it
# (WS/T 500 CDA headers); an assumption for exchange, not from RULES.md.
CN_RESIDENT_ID = "urn:oid:2.16.156.10011.1.3"
PSEUDONYM = "urn:lianfang:person-pseudonym"
CASE_CODE = "urn:lianfang:case-code"
TUBE_BARCODE = "urn:lianfang:tube-barcode"
JURISDICTION_CODE = "urn:lianfang:jurisdiction-code"
CONTACT_CATEGORY = "urn:lianfang:contact-category"
CASE_CLASSIFICATION = "urn:lianfang:case-classification"
VACCINE_PRODUCT = "urn:lianfang:vaccine-product"
ORDER_KIND = "urn:lianfang:control-order-kind"
RESULT = "urn:lianfang:test-result"

COVID_SNOMED = ("840539006", "Disease caused by severe acute respiratory syndrome coronavirus 2")
RNA_LOINC = "94500-6"
RNA_DISPLAY = "SARS-CoV-2 (COVID-19) RNA [Presence] in Respiratory specimen by NAA with probe detection"
SARS_COV_2_RNA = {
    "94500-6": "respiratory specimen",
    "94309-2": "specimen",
    "94533-7": "N gene, respiratory specimen",
    "94534-5": "RdRp gene, respiratory specimen",
    "94559-2": "ORF1ab region, respiratory specimen",
    "94845-5": "saliva",
    "95406-5": "nose",
}

# (system, code) → lianfang result (testing.rules RESULTS: negative | positive | invalid)
VALUES: dict[tuple[str, str], str] = {
    (SNOMED, "260373001"): "positive",  # Detected
    (SNOMED, "10828004"): "positive",  # Positive
    (SNOMED, "260415000"): "negative",  # Not detected
    (SNOMED, "260385009"): "negative",  # Negative
    (SNOMED, "419984006"): "invalid",  # Inconclusive
    (SNOMED, "455371000124106"): "invalid",  # Invalid result
    (V3_INTERPRETATION, "POS"): "positive",
    (V3_INTERPRETATION, "DET"): "positive",
    (V3_INTERPRETATION, "NEG"): "negative",
    (V3_INTERPRETATION, "ND"): "negative",
    (V3_INTERPRETATION, "IND"): "invalid",
    (RESULT, "positive"): "positive",
    (RESULT, "negative"): "negative",
    (RESULT, "invalid"): "invalid",
}
KNOWN_SYSTEMS = {system for system, _ in VALUES}

# lianfang result → the SNOMED CT value an export carries
EXPORT_VALUES = {
    "positive": (SNOMED, "260373001", "Detected"),
    "negative": (SNOMED, "260415000", "Not detected"),
    "invalid": (SNOMED, "455371000124106", "Invalid result"),
}
GENDERS = {"M": "male", "F": "female"}
