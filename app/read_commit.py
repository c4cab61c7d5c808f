"""A request that wrote nothing ends its transaction with COMMIT, not ROLLBACK (PostgreSQL).

psycopg prepares a statement on the server after its fifth execution on a connection, so
PostgreSQL parses and plans it once, not on every request (the inbox's query takes 4 ms to
plan and 5 to run). It forgets them all on every ROLLBACK, and every request used to end with
one (the session's close at teardown), so nothing was ever prepared. A transaction that wrote
nothing commits the same nothing. Writes are untouched: commands commit or roll back in their
unit of work (app/cases/uow.py); a session that flushed or holds unflushed changes is closed
as before, with a rollback.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db

FLUSHED = "dsf_flushed"


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    app.teardown_appcontext(_end_read_transaction)  # runs before Flask-SQLAlchemy's removal


@event.listens_for(Session, "after_transaction_create")
def _fresh(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(FLUSHED, None)


@event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    session.info[FLUSHED] = True


def _end_read_transaction(exc) -> None:
    session = db.session()
    if (exc is None and session.in_transaction() and not session.info.get(FLUSHED)
            and not (session.new or session.dirty or session.deleted)):
        try:
            session.commit()
        except SQLAlchemyError:  # the connection failed under a handled error: the request is
            session.rollback()  # already answered; the pool drops the connection, the session is removed
