"""The registry (人员登记): persons with their identity document, phone, residence community and
household. Identity numbers and phones are pseudonymised: sealed with the data key, found by keyed hash
(`identity.id_hash`, `identity.phone_hash`, the same scheme as resident accounts), shown masked.

Public verbs: service.create_person, update_person, reveal_identity (audited), find_people;
households.create_household, join_household, leave_household, find_households; imports.import_people;
exports.export_people. Scoped fetches (access): access_person, access_household, own_records.
Publishes: PersonRegistered, PersonUpdated, PeopleImported. Consumes: nothing.
"""
