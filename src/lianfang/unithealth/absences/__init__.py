"""Sick absences (因病缺勤) and the early-warning rules and alerts per unit type."""
