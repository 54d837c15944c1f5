"""The app's server: Streamlit's st.App (≥ 1.67) serving audit_app.py, with the app's own
sign-in routes and the gate that lets pages and downloads through only with a live session
(ui/web.py). Start it with `streamlit run audit_server.py` (./dev.sh app does)."""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from ui import warm
from ui.web import ROUTES, SignInGate

app = st.App("audit_app.py", routes=ROUTES, middleware=[Middleware(SignInGate)])
warm.start()  # imports and parsing every first page load would otherwise wait for

if __name__ == "__main__":
    app.run()
