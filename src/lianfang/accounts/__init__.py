"""Staff and resident accounts, roles, sign-in, and the audit trail's pages.

Flat module, with `audit/` (browsing the audit trail: pages and API).
Public verbs (service): create_user, update_user, set_password, login, logout, issue_api_token,
revoke_api_token, request_resident_code, verify_resident_code. Who is calling (access): authenticate,
staff_actor (a bearer token or the session cookie). Permissions per role: rules.
Publishes: ResidentSignedIn (no subscriber yet). Consumes: nothing. Enqueues jobs: sms.send.
"""
