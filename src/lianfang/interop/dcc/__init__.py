"""EU Digital COVID Certificates (DCC) at entry: decode (`decode`), verify against a trust list (`trust`,
`verify`), the entry verdict (`rules`), the check recorded on an inbound arrival (`service`), the
checkpoint page (`pages`), the API (`api`), the command line (`cli`) and the public test suite runner
(`testdata`)."""
