"""The API's OpenAPI description: a valid OpenAPI 3.1 document, describing every route the
server mounts under /api/v1 (and nothing else), and schemathesis's generated requests against
the real routes answer as it says (status, content type, body schema, auth refused without a
token)."""

from __future__ import annotations

import pytest
import schemathesis
from account_helpers import team
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from store_helpers import new_store
from test_api import TODAY, client

from api.openapi import description
from api.routes import PREFIX, api_routes
from services import api_tokens, rounds
from services.context import Context
from store.accounts import Accounts


def test_the_description_is_valid_openapi_and_describes_every_route():
    document = description()
    validate(document)  # raises on any error
    mounted = {route.path for route in api_routes(lambda: None)}
    mounted.discard(PREFIX + "/{rest:path}")  # the catch-all: a JSON 404 for any other path
    assert mounted == set(document["paths"])


def test_the_description_is_served_without_a_token(tmp_path, database_url):
    store = new_store(database_url, tmp_path)
    answer = client(store).get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.json() == description()
    store.engine.dispose()


@pytest.fixture
def served(database_url, tmp_path):
    store = new_store(database_url, tmp_path)
    people = team(store)
    editor = Context(people.actor("editor"), store)
    rounds.save_item(editor, people.audit_a.id, "1.1.1", expected_version=0, status="conforming")
    admin = Context.local_administrator(store, "setup")
    token = api_tokens.add_token(
        admin, Accounts(store).user("consultant").id, today=TODAY, label="schemathesis"
    ).token
    yield client(store).app, token, people
    store.engine.dispose()


def test_every_answer_matches_the_description(served):
    app, token, people = served
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # every path but the description itself (schemathesis leaves out the schema's own address)
    assert {op.path for op in operations} == set(description()["paths"]) - {"/api/v1/openapi.json"}
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            if "audit_id" in (case.path_parameters or {}) and case.path_parameters["audit_id"] % 3:
                case.path_parameters["audit_id"] = people.audit_a.id  # an audit that exists too
            case.call_and_validate(headers=headers)

        check()
