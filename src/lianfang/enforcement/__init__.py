"""Inspections and enforcement (监督检查、违法处置): MISSION R6, R15, R16, R17, R23.

Sub-features (router.py gathers their routes, the list exports before the pages):
- inspections/: record_inspection, reinspect, respond, add_attachment; the inspector's desk.
- violations/: record_violation, decide, record_infection, unit_record.
- closures/: order_closure, lift_closure, guard_reopen, enforce_closures (every 5 minutes).
- gatherings/: the event register (register_event, decide_event).
The root holds what they share: models, rules (checklists, deadlines, closed venue types, decisions,
laws, dispositions, zero infection; EDITION), access, repository, schemas, events, page and export
helpers, tasks and demo.
Publishes: InspectionRecorded, FindingVerified, ViolationDecided, ClosureOrdered (no subscriber yet).
Consumes: venues VenueStatusChanged (refuses to reopen a venue whose type is ordered closed).
Issues assignments: kind enforcement.rectification (one per finding, to the target's community).
Does not import unithealth (same layer).
"""
