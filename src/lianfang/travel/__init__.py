"""Entry management (进京管理, MISSION R7–R9): the risk-area list, travel history, remote control and the
observation of returnees and inbound arrivals.

Public verbs: service.create_risk_area, lift_risk_area, declare_stay, correct_record; flags.reflag
(set-based pop-up ① for every person whose 14-day travel touches a listed area), assign_verification,
verify_flags, expire, scan; observations.register_arrival, decide_returnee; places.import_places
(GB/T 2260 codes); imports.import_travel (carrier / hub files). Permissions in access.
Facts for the health-code module: repository.popups_for(person_id, today).
Publishes: RiskAreaChanged, TravelFlagsRaised, TravelFlagsCleared, TravelFlagCleared, ObservationRequired.
Enqueues jobs: travel.reflag (after a risk-area change). Periodic: travel.scan (re-flag and expire).
Issues assignments (kind travel.verify) to communities for flagged people in the city.
Consumes: nothing.
"""
