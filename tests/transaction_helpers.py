"""Counting the transactions a block of code begins (a SQLAlchemy ``begin`` listener)."""

from __future__ import annotations

from sqlalchemy import event


class Transactions:
    def __init__(self, engine):
        self.count = 0
        self.engine = engine

    def __enter__(self):
        event.listen(self.engine, "begin", self.begun)
        return self

    def begun(self, _connection):
        self.count += 1

    def __exit__(self, *exc):
        event.remove(self.engine, "begin", self.begun)
