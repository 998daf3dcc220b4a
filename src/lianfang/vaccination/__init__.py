"""Booster vaccination (疫苗加强免疫接种, MISSION R27): doses per person from sites' files and staff entry,
booster due dates from a cited rule set, pre-aggregated coverage by jurisdiction and age group, and the
community's due list with bulk outreach.

Flat module. imports: dose files; service: staff entry and outreach; refresh: each vaccinated person's
status row and the coverage table (recompute_statuses, refresh_coverage, the periodic scan); views:
coverage as pages and the API show it. Publishes: nothing. Consumes: nothing.
"""
