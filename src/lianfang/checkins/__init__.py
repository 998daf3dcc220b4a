"""Venue scan-code registration (扫码登记, MISSION R13; RULES.md §4.4): venue codes and posters, scans from
residents' phones and from gate devices (one at a time or in batches), check-out, retention.

The scans table is the raw material of tracing: cheap to write (group commit; COPY for batches), fast to
search by venue and time, partitioned by day on PostgreSQL and ready to be distributed by venue.

Sub-features (router.py gathers their routes, the scan API first):
- scans/: one scan (service: input_problems / scan_problems / build_row, shared by the API, the scan page
  and batches; prepare_visit; checkout), the single-scan hot path (hot), the group-commit writers
  (writer), what a scan needs to know (views: code_info, person_info, state_for), queries for tracing
  (repository: scans_at_venue, scans_of_person; overlap semantics, index-bounded) and the status a door
  shows (ports: the StatusProvider protocol and `install(runtime, provider)`; the health-code module
  installs its own, until then the neutral provider says "status not yet available").
- codes/: declare_registrar, create_code, relabel, suspend, reactivate, revoke, set_registrar_state,
  check_registrars (periodic), on_venue_status_changed; posters (render).
- ingest/: ingest (a batch upload, one outcome per line), reading the file and the COPY (imports).
- partitions/: ensure_scan_partitions, drop_expired (the hourly task in tasks).
Consumes: venues VenueStatusChanged (closed or sealed: codes suspended; reopened: restored).
Publishes: nothing.
"""
