"""Signed short-lived QR tokens (the pure token format) and the Ed25519 keys that sign them: creation,
scheduled rotation, revocation, and offline verification from the command line."""
