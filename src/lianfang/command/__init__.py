"""Command and supervision (指挥调度、督办, MISSION R1-R6, R10, R18): the organisation of the mechanism
("一办十九组": leadership group, office, working groups, member units with written duties; the city
leader linked to each district), four-party responsibility of units and venues, meetings whose
decisions become directives (one assignment per target district, group or member unit, due 24:00 the
same day by default: "不过夜"), work groups sent to districts whose findings become directives, incident
reports with follow-ups at fixed intervals, forces and their reassignment, and the supervision board.

Public verbs: service (save_body, set_leader, set_responsibility, create_meeting, issue_directive,
send_mission, add_finding, close_mission, urge), operations (report_incident, add_followup,
close_incident, create_force, move_forces), board (refresh, refresh_now, board_view, leader_view).
Uses assignments.service.issue_assignment (kinds command.directive, command.incident_followup): the
assignments worker reminds and escalates; tasks.register adds the board refresh every 60 s and tells
the linked city leader about escalations.
Publishes: IncidentReported, ForcesMoved. Consumes: AssignmentEscalated.
"""
