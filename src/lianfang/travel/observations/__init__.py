"""Returnees (R7) and inbound arrivals (R8) and the observation the rule set in force requires."""
