"""Epidemiological investigation and contact tracing (流调溯源), with cross-district requests.

Verbs (service, contacts): open_case, case_from_result, transition (confirm | close | reopen | discard),
update_case, add_exposure, create_cluster, propose, decide (bulk), add_contact, dispatch.
Publishes: CaseOpened, CaseStatusChanged, ContactConfirmed. Consumes: testing.ResultPositive (a pending
case), assignments.AssignmentCompleted (a contact controlled). Rules: `rules.py` (RULES.md §1, §6)."""
