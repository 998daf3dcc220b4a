"""Meetings whose decisions become directives (one assignment per target, due 24:00 the same day by
default: 不过夜), one directive's targets, and urging (催办) late work."""
