"""Standard interfaces (issue 28): how lianfang speaks to systems that do not speak its own API.

- `fhir`: FHIR R4 export of a case (Patient, Condition, Observation, DiagnosticReport, Immunization,
  RelatedPerson, Encounter, Location) and of a district's cases for a date range; lab results in as a
  Bundle of DiagnosticReport/Observation, recorded through the testing module's own result service.
- `dcc`: EU Digital COVID Certificates checked at entry (HC1 → Base45 → zlib → COSE_Sign1 → CWT),
  against a trust list in the gateways' DSC-list format; the verdict recorded on the inbound arrival.
- `gbt`: the interface operations of GB/T 38963-2020 (declare, query, make a code, verify a code,
  correct) mapped onto the travel, control, assignments and healthcodes services.

Reads tracing, control, testing, vaccination, travel and healthcodes through their public functions;
publishes no events. See docs/interop.md."""
