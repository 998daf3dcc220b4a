"""Unit health monitoring (单位防控): MISSION R12, R14, R16 (pharmacies).

Sub-features (router.py gathers their routes, the list exports before the pages):
- reports/: file_report (daily report or zero report; corrections keep history), remind_missing.
- absences/: report_absence, correct_absence, set_rule (early-warning rules per unit type).
- pharmacy/: record_sale, clear_testing_duties.
The root holds models, rules (EDITION), access, repository, schemas, events, the hub page, list
helpers and demo.
Publishes: MedicineBuyerFlagged, TestingDutyCleared (both read by the health-code module: pop-up ④
from open `testing_duties`), DailyReportFiled, AbsenceAlertRaised (no subscriber yet).
Consumes: nothing. Issues assignments: kind unithealth.absence_alert to the district, owner group "cdc".
Enqueues jobs: notify (missing daily report reminders). Does not import enforcement (same layer).
"""
