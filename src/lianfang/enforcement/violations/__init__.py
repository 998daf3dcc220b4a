"""Violations (R23) with evidence, the law cited and the decision, and a unit's accountability record."""
