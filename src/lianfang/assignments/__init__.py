"""Assignments (督办事项): the supervised work item every later module hands out — a title, the subject it
concerns, an owner (a jurisdiction, optionally a person in it or a working group), a deadline (24:00 the
same day by default: "不过夜", MISSION R2), a state, notes with evidence, a reminder before the deadline
and escalation up the jurisdiction tree once it passes (R2, R6).

Public verbs (service): issue_assignment (other modules call it, with subject_type/subject_id and kind),
transition (acknowledge, start, complete, return, cancel), add_note, reassign, bulk_acknowledge,
bulk_reassign, and for the worker scan_deadlines (remind, escalate), registered every 60 s by
tasks.register together with the `notify` job handler.
Scope (access): access_assignment, detail_view, board_view; lists filter with repository.visible_filter.
Queries (repository): my_work_counts (home page), page (keyset), board (GROUP BY owner_path).
Publishes: AssignmentIssued (no subscriber yet), AssignmentCompleted (read by tracing),
AssignmentEscalated (read by command).
Enqueues jobs: notify (issued, reminder, escalation, returned, cancelled, reassigned).
Consumes: nothing.
"""
