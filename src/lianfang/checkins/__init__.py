"""Venue scan-code registration (扫码登记, MISSION R13; RULES.md §4.4): venue codes and posters, scans from
residents' phones and from gate devices (one at a time or in batches), check-out, retention.

The scans table is the raw material of tracing: cheap to write (group commit; COPY for batches), fast to
search by venue and time, partitioned by day on PostgreSQL and ready to be distributed by venue.

Public verbs:
- codes: declare_registrar, create_code, relabel, suspend, reactivate, revoke, set_registrar_state,
  check_registrars (periodic), on_venue_status_changed (event handler).
- service: checkout; input_problems / scan_problems / build_row (one scan's checks, shared by the API,
  the scan page and batches); prepare_visit (the scan page).
- ingest: ingest (a batch upload, one outcome per line).
- repository (for tracing): scans_at_venue(session, venue_id, start, end),
  scans_of_person(session, person_id, start, end); overlap semantics, index-bounded.
- partitions: ensure_scan_partitions(session, first_day, last_day), drop_expired.
- status: StatusProvider protocol (BatchStatusProvider / StoredStatusProvider to serve a whole batch of
  scans in the writer's transaction); install(runtime, provider) (the health-code module installs its
  own; until then the neutral provider says "status not yet available").
Consumes: venues.events.VenueStatusChanged (closed or sealed: codes suspended; reopened: restored).
Publishes: nothing yet.
"""
