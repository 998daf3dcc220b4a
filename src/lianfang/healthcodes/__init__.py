"""Health codes (健康宝, RULES.md §4): one explainable status per person from the facts of the lower
modules, the five numbered pop-ups with their clearing paths, signed short-lived QR tokens that gates
verify offline, appeals (申诉) and the nightly 24:00 pass.

Sub-features (router.py gathers their routes, the machine verification first):
- status/: deriving and storing statuses (service: refresh(ctx, person_ids, cause), status_of,
  derive_for, rebuild; repository: the facts of the lower modules and batch writes; tasks: the nightly
  pass run_pass; cli: `rederive-codes`) and what a status shows (views: code_view, the door's status
  installed into checkins).
- codes/: the resident's page and a person's code for staff, and their API.
- appeals/: file_appeal, decide_appeal.
- family/: add_member, remove_member (他人代查).
- qr/: the token format (rules: issue, verify; pure) and the signing keys (service: ensure_current,
  maintain, rotate, revoke; tasks: the key schedule; cli: `verify-code`, `rotate-keys`).
- checks/: check_code (a gate, a venue or a checkpoint), the checking page, online verification (hot)
  and the key set that offline gates download (api).
The root holds rules (derive, pure), models, access, handlers and tasks.
Consumes (handlers.SUBSCRIPTIONS): control OrderChanged; tracing CaseOpened, CaseStatusChanged,
ContactConfirmed; testing PoolPositive, ResultPositive, ResultsRecorded; unithealth MedicineBuyerFlagged,
TestingDutyCleared; travel TravelFlagCleared, ObservationRequired, TravelFlagsRaised, TravelFlagsCleared.
Publishes: nothing (a status change is a stored row with its history).
"""
