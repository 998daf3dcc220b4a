"""FHIR R4: export of a case or a district's cases (`service`, built by `resources` from `repository`), and
lab results in (`intake`, through the testing module's result service). `api` and `cli` are the doors."""
