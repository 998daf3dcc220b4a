"""Carriers' passenger manifests (乘客名单) and a case's trips with their fellow passengers, including
those outside the city's registry."""
