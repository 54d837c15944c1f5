"""The browser journeys' ports under pytest-xdist: each worker probes only its own share of
GBT_AUDIT_BROWSER_PORTS, so two workers never pick the same port between probing it and the
server binding it."""

from __future__ import annotations

import pytest
from browser_app import parse_ports, worker_share


def test_a_range_names_both_ends_and_one_port_is_itself():
    assert parse_ports("8650-8699") == range(8650, 8700)
    assert parse_ports("8650") == range(8650, 8651)


def test_outside_xdist_the_whole_range_is_ours(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
    assert list(worker_share(range(8650, 8654))) == [8650, 8651, 8652, 8653]


@pytest.mark.parametrize("count", [2, 3])
def test_the_workers_shares_are_disjoint_and_cover_the_range(monkeypatch, count):
    ports = parse_ports("8650-8699")
    shares = []
    for index in range(count):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", f"gw{index}")
        monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", str(count))
        shares.append(set(worker_share(ports)))
    assert set().union(*shares) == set(ports)
    assert sum(len(s) for s in shares) == len(ports)  # no port in two shares
    assert all(shares)
