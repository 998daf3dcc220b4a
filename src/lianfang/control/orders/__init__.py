"""Control orders (管控令) as pages and API: the per-community list with bulk actions, one order with its
plan, changes, release and delivery, and the printable order letter (the verbs are in `control.service`)."""
