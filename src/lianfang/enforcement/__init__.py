"""Inspections and enforcement (监督检查、违法处置): MISSION R6, R15, R16, R17, R23.

Public verbs: inspections.record_inspection, reinspect, respond, add_attachment; register.order_closure,
lift_closure, register_event, decide_event; violations.record_violation, decide, record_infection,
unit_record. Scope: access.*. Rules: rules (checklists, deadlines, closed venue types, decisions, laws,
dispositions, zero infection; EDITION).
Publishes: InspectionRecorded, FindingVerified, ViolationDecided, ClosureOrdered.
Consumes: VenueStatusChanged (refuses to reopen a venue whose type is ordered closed).
Issues assignments: kind enforcement.rectification (one per finding, to the target's community).
Periodic: enforcement.enforce_closures (every 5 minutes).
Does not import unithealth (same layer).
"""
