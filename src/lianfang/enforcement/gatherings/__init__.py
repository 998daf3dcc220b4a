"""The event register (R17): meetings, forums and sports events with the decision about each."""
