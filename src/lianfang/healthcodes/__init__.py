"""Health codes (健康宝, RULES.md §4): one explainable status per person from the facts of the lower
modules, the five numbered pop-ups with their clearing paths, signed short-lived QR tokens that gates
verify offline, appeals (申诉) and the nightly 24:00 pass.

Public verbs: facts.load / rules.derive (pure), service.refresh(ctx, person_ids, cause),
service.status_of(ctx, person_id), nightly.run_pass, appeals.file_appeal / decide_appeal,
tokens.issue / tokens.verify, keys.ensure_current / keys.rotate.
Consumes: travel TravelFlagsRaised/Cleared, TravelFlagCleared, ObservationRequired; testing PoolPositive,
ResultPositive, ResultNegative; unithealth MedicineBuyerFlagged, TestingDutyCleared; tracing
ContactConfirmed, CaseOpened, CaseStatusChanged; control OrderIssued, OrderEnded.
Publishes: StatusChanged."""
