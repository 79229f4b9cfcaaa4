"""Each run records the engine that processed it: "local", or "dask" with its cluster's address.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("engine", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("engine")
