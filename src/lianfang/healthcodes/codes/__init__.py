"""Showing codes: the resident's page (own and family codes, the QR, an appeal), a person's code for
staff, and the API."""
