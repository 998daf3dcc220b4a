"""Browsing the audit trail (auditors and administrators), scoped to the actor's jurisdiction."""
