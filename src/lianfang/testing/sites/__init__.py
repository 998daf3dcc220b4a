"""Sampling sites, their teams, and labs."""
