"""Epidemiological investigation and contact tracing (流调溯源), with cross-district requests.

Sub-features (router.py gathers their routes):
- cases/: open_case, case_from_result, transition (confirm | close | reopen | discard), update_case,
  add_exposure, create_cluster; the checks of case facts (rules); the case list.
- contacts/: propose, decide (bulk), add_contact, dispatch (cross-district requests), mark_controlled;
  the proposals of a case's window (views) and the venue contacts judged inside PostgreSQL
  (repository).
- trips/: carriers' manifests (imports), a case's trips and fellow passengers (views), passengers
  outside the registry (service).
- clusters/: suggestions and merge, the links between cases (repository), the chain graph (render).
- investigation/: one case's page, API, hot path (the proposals), exports and what they show (views).
- metrics/: the found-under-control share and recall (rules, ANALYTICS.md §3.5).
The root holds models, rules (RULES.md §1, §6), access, repository, schemas, events, handlers, tasks
and the `trace` command (cli).
Publishes: CaseOpened, CaseStatusChanged, ContactConfirmed. Consumes: testing ResultPositive (a pending
case), assignments AssignmentCompleted (a contact controlled).
"""
