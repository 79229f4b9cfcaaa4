"""Alembic's environment for the register: always run on the store's own connection, inside its transaction.

`congvan` never runs `alembic` with an .ini file: `migrations.upgrade()` passes the open connection in
`config.attributes["connection"]`, so a migration commits or rolls back with the store's transaction.
"""
from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
