"""Deriving and storing each person's status: the facts read from the lower modules, the stored rows
kept equal to what the rules derive, the nightly 24:00 pass, and what a status shows (the code
page's view, the door's status at a scan)."""
