"""Hotline tickets and public questions (12345, R25): logged, classified, routed and counted by theme."""
