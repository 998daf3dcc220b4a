"""Entry management (进京管理, MISSION R7–R9): the risk-area list, travel history, remote control and the
observation of returnees and inbound arrivals.

Flat module (risk areas and stays: service.create_risk_area, lift_risk_area, declare_stay,
correct_record; imports.import_travel from carrier / hub files), with sub-features:
- flags/: reflag (set-based pop-up ① for every person whose 14-day travel touches a listed area),
  assign_verification, verify_flags, expire, scan.
- observations/: register_arrival, decide_returnee.
- places/: import_places, import_places_package (GB/T 2260 codes), search.
Facts for the health-code module: repository.popups_for(person_id, today).
Publishes: RiskAreaChanged (no subscriber yet), TravelFlagsRaised, TravelFlagsCleared,
TravelFlagCleared, ObservationRequired. Consumes: nothing.
Enqueues jobs: travel.reflag (after a risk-area change). Periodic: travel.scan (re-flag and expire).
Issues assignments (kind travel.verify) to communities for flagged people in the city.
"""
