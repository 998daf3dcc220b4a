"""Command and supervision (指挥调度、督办, MISSION R1-R6, R10, R18).

Sub-features (router.py gathers their routes, the list exports before the pages):
- organisation/: the organisation of the mechanism ("一办十九组": leadership group, office, working
  groups, member units with written duties), the city leader linked to each district, four-party
  responsibility of units and venues (save_body, set_leader, set_responsibility).
- meetings/: meetings whose decisions become directives, one assignment per target district, group or
  member unit, due 24:00 the same day by default ("不过夜") (create_meeting, issue_directive, urge).
- missions/: work groups sent to districts whose findings become directives (send_mission,
  add_finding, close_mission).
- incidents/: incident reports with follow-ups at fixed intervals (report_incident, add_followup,
  close_incident).
- forces/: forces and their reassignment between districts (create_force, move_forces).
- board/: the supervision board and the leader's view (refresh, refresh_now; board_view, leader_view).
The root holds what they share: models, rules, access, repository, schemas, the hub page and page
helpers (pages), the list helpers (exports), tasks (the board refresh every 60 s, telling the linked
city leader about escalations) and demo.
Uses assignments.service.issue_assignment (kinds command.directive, command.incident_followup): the
assignments worker reminds and escalates.
Publishes: IncidentReported, ForcesMoved (no subscriber yet). Consumes: assignments AssignmentEscalated.
"""
