"""The task register: tables (pandas), the store (SQLAlchemy), and every export made from them.

Knows tables and storage, nothing about Vietnamese parsing: it reads what the stages put in the
document model. Entry points: `incoming(doc)` turns a processed document into rows,
`update_register(...)` records a run and writes the outputs, `query` serves the clerks' commands.
"""
from .rows import Incoming, incoming
from .update import RegisterSummary, update_register

__all__ = ["Incoming", "RegisterSummary", "incoming", "update_register"]
