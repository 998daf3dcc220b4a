"""Venues (场所): public places with a kind, an address in a community, a status (open, closed, sealed)
and a short code for scan-code registration (MISSION R13); an operator account may run a venue.

Flat module. Public verbs (service): create_venue, update_venue, change_status, bulk_change_status,
assign_operator. imports.import_venues; exports.export_venues.
Scope helpers (access): venues_filter, access_venue (registry staff: their subtree; venue operators:
the venues they operate).
Rules (rules): kinds, default stay per kind, small enclosed spaces, status transitions and who may make
them, venue codes.
Publishes: VenueStatusChanged (read by checkins and enforcement), VenuesImported (no subscriber yet).
"""
