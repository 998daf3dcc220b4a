"""Control measures (管控): control orders, zones, proposals when a case is confirmed, isolation sites and
daily health monitoring (issue 12; MISSION R7, R11, R19, R20; RULES §2, §3).

The control order is what every measure ends in, so its verbs sit at the root (service: issue_order,
change_days, release, record_delivery, send_document, bulk, escalate_secondaries, end_order, plan_of,
require_active). Sub-features (router.py gathers their routes):
- orders/: the order pages and API, the printable letters (render).
- monitoring/: daily health reports (record_report), the missed-report scan (scan_missed), the
  follow-up list, the person's own page.
- zones/: create_zone, check (the lifting rule), record_round, lift, order_round_for_zones; the
  all-negative rounds read from testing (views).
- proposals/: propose_for_case (R20: seal the residence building, control the workplace, orders for
  contacts), confirm.
- sites/: create_site, add_rooms, assign_room, capacity.
Publishes: OrderChanged. Consumes: tracing CaseOpened, CaseStatusChanged, ContactConfirmed; testing
ResultPositive; travel ObservationRequired (handlers, wired in tasks.register).
"""
