"""Control measures (管控): zones, proposals when a case is confirmed, control orders, isolation sites,
daily health monitoring (issue 12; MISSION R7, R11, R19, R20; RULES §2, §3)."""
