"""Writes of enterprise support, a module per stage (awards.py: propose, milestones, approve,
refuse, pay)."""
