"""Venue scan-code registration (扫码登记, MISSION R13): venue codes, scans, check-out, retention.

The scans table is the raw material of tracing: cheap to write, fast to search by venue and time.
"""
