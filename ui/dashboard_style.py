"""The dashboard's page rules: on a phone the four figures sit two by two in smaller type and
the tables keep their first columns (so the plan's owner and due date show on the first screen),
and printing drops the app's chrome (sidebar, header, toolbar, buttons) so the printout is the
dashboard alone, in few pages."""

from __future__ import annotations

import streamlit as st

FIGURES_KEY = "dash_figures"  # the container holding the four figures
PLAN_KEY = "dash_plan"  # the plan's table: on a phone, the fix, its owner and due date
GAPS_KEY = "dash_gaps"  # the gaps table: on a phone, item, title, lost, owner and due
LINKS_KEY = "dash_readiness"  # readiness lines are buttons that open items: print them

PHONE = f"""
@media (max-width: 640px) {{
  .st-key-{FIGURES_KEY} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; row-gap: .5rem; }}
  .st-key-{FIGURES_KEY} [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem) !important;
    width: calc(50% - 1rem) !important;
  }}
  .st-key-{FIGURES_KEY} [data-testid="stMetricValue"],
  .st-key-{FIGURES_KEY} [data-testid="stMetricValue"] > div {{ font-size: 1.6rem; }}
  .st-key-{PLAN_KEY} :is(th, td):is(:nth-child(2), :nth-child(5)) {{ display: none; }}
  .st-key-{GAPS_KEY} :is(th, td):nth-child(n + 6) {{ display: none; }}
  .stMainBlockContainer {{ padding-top: 3.5rem; }}
  .stMainBlockContainer h1 {{ font-size: 1.75rem; }}
}}
"""

PRINT = f"""
@media print {{
  @page {{ size: A4; margin: 12mm; }}
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  .stButton, .stDownloadButton, [data-testid="stElementToolbar"] {{ display: none !important; }}
  .st-key-{LINKS_KEY} .stButton {{ display: block !important; }}
  .stMainBlockContainer {{ padding: 0 !important; max-width: 100% !important; }}
  [data-testid="stMain"] {{ margin-left: 0 !important; }}
  [data-testid="stTable"] :is(th, td) {{ font-size: 9pt; padding: 2px 4px; }}
  details, tr, [data-testid="stMetric"], .stPlotlyChart {{ break-inside: avoid; }}
}}
"""


def apply() -> None:
    """Add the rules to the page (they go when the page is left)."""
    st.html(f"<style>{PHONE}{PRINT}</style>")
