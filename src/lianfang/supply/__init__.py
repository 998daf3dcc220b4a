"""Market supply and prices (R26): designated outlets report daily stock and prices of key goods; low
days of cover and price jumps raise alerts and assignments for the district's supply group.

Flat module. Public verbs (service): report (an outlet's daily report), outlets, reports_of.
views: overview (one day's reports in scope per good), alerts_page, and the dashboard panel the
composition root installs into analytics. Publishes: nothing. Consumes: nothing.
"""
