"""The read-only HTTP API under /api/v1, served by the app's own server (st.App routes, mounted
with ui/web.py's ROUTES). Thin: it reads the token, calls the read services (services/overview,
the same permission registry as the app) and shapes their records as JSON or iCalendar.

- api/tokens.py: who a request acts as (a Bearer token, or ?token= for a calendar feed).
- api/shape.py: records → JSON values (scores as scoring.display shows them).
- api/routes.py: the routes, their bounds and their answers (401, 404, 400).
- api/openapi.py: the OpenAPI 3 description, served at /api/v1/openapi.json.
"""
