"""Scans (扫码登记): one scan from a resident's phone or a gate (the hot path and the group-commit
writer), check-out, a venue's and a resident's scans, and the status a door shows."""
