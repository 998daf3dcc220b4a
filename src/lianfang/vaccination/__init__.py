"""Booster vaccination (疫苗加强免疫接种, MISSION R27): doses per person from sites' files and staff entry,
booster due dates from a cited rule set, pre-aggregated coverage by jurisdiction and age group, and the
community's due list with bulk outreach."""
