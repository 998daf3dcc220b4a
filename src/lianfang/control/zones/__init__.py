"""Zones (封控区/管控区/防范区, or 高/中/低风险区): drawn from a community, checked against the lifting rule
with the all-negative rounds, lifted; ordering a testing round for them."""
