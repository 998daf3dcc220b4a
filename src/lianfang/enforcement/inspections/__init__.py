"""Inspections (监督检查): checklists, findings with rectification deadlines, the unit's response,
photos and re-inspection; the inspector's desk."""
