"""Plumbing that knows no domain: database, time, errors, events, jobs, audit, access, web, i18n."""
