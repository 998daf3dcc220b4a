"""Incident reports (突发情况, R5) with follow-ups at fixed intervals, each an assignment."""
