"""A unit's staff list: add, change and end memberships; import and export of staff lists."""
