"""The ``gbt-audit`` command line."""
