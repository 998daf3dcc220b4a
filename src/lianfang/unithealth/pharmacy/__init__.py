"""Pharmacy sales of the four medicine classes and the testing duty (pop-up ④) each sale raises."""
