"""Staff and resident accounts, roles, sign-in.

Public verbs (service): create_user, update_user, set_password, login, logout, issue_api_token,
revoke_api_token, request_resident_code, verify_resident_code, authenticate.
Publishes: ResidentSignedIn. Enqueues jobs: sms.send.
"""
