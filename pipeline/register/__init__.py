"""The task register: tables (pandas), the store (SQLAlchemy), and every export made from them.

Knows tables and storage, nothing about Vietnamese parsing: it reads what the stages put in the
document model. Entry points: `incoming(doc)` turns a processed document into rows,
`update_register(...)` records a run and writes the outputs, `query` serves the clerks' commands.
"""
from .rows import Incoming, incoming

__all__ = ["Incoming", "RegisterSummary", "incoming", "update_register"]


def __getattr__(name: str):
    """The store and the exports (pandas, SQLAlchemy: 0.6 s of imports) load when first asked for:
    a run forks its workers, which need only `incoming`'s model, before it loads them."""
    if name in ("RegisterSummary", "update_register"):
        from . import update

        return getattr(update, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
