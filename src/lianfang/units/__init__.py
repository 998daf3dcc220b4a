"""Units (单位): employers, schools, kindergartens, hospitals, clinics, pharmacies, property, cleaning,
labour-dispatch and housekeeping companies, canteens; their staff (with staff placed by a dispatch or
housekeeping company managed at the source, MISSION R12) and the unit officers who report for them.

Flat module, with `staff/` (a unit's staff list: add_member, update_member, end_member, find_person;
import_staff; export_staff).
Public verbs (service): create_unit, update_unit, set_unit_active, link_officer, unlink_officer;
imports.import_units; exports.export_units.
Scope helpers (access): units_filter, access_unit (registry staff: their subtree; unit officers: their
own units, wherever they are).
Publishes: UnitDeactivated, UnitStaffChanged, UnitsImported, UnitStaffImported (no subscriber yet).
Consumes: nothing.
"""
