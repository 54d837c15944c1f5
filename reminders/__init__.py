"""Reminders: what falls due (actions, evidence validity, the certification cycle) as calendar
feeds (.ics) and as a mail digest for ``gbt-audit remind``."""
