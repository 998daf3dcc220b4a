"""Contacts (密接/次密接): proposing them from a case's window (venue, household, unit and transport
rules), deciding them in bulk, adding one by hand, and the cross-district requests (协查) that send
them to the district where they live."""
