"""Batch upload of scans from gate devices that were offline and venue systems (JSON, NDJSON, CSV)."""
