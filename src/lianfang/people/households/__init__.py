"""Households (户) and buildings (楼栋): registering them, people joining and leaving a household."""
