"""Unit health monitoring (单位防控): MISSION R12, R14, R16 (pharmacies).

Public verbs: reports.file_report (daily report or zero report; corrections keep history),
reports.remind_missing; absences.report_absence, correct_absence, set_rule (early-warning rules per unit
type); pharmacy.record_sale, clear_testing_duties. Scope: access.*. Rules: rules (EDITION).
Publishes: DailyReportFiled, AbsenceAlertRaised, MedicineBuyerFlagged (hook for the health-code module:
pop-up ④ from open `testing_duties`), TestingDutyCleared.
Issues assignments: kind unithealth.absence_alert to the district, owner group "cdc".
Enqueues jobs: notify (missing daily report reminders).
Does not import enforcement (same layer).
"""
