"""The registry (人员登记): persons with their identity document, phone, residence community and
household. Identity numbers and phones are pseudonymised: sealed with the data key, found by keyed hash
(`rules.id_hash`, `rules.phone_hash`, the same scheme as resident accounts), shown masked.

Flat module, with `households/` (households and buildings: create_household, join_household,
leave_household, find_households, create_building, place_households, households_of, residents_of).
Public verbs: service.create_person, update_person, reveal_identity (audited), find_people;
imports.import_people; exports.export_people. Scoped fetches (access): access_person,
access_household, own_records. Checking typed values (a form, an API body, a file row): rules.
Publishes: PersonRegistered, PersonUpdated, PeopleImported (no subscriber yet). Consumes: nothing.
"""
