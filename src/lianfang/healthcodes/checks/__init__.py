"""Checking a presented code at a gate, a venue or a checkpoint: the page, online verification (a hot
path) and the key set that offline gates download."""
