"""The register's tables: one key per unit, and per-unit counts."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.register.tables import canonical_units


def obligations(*rows):
    return pd.DataFrame([dict(task_id=f"t{i}", ordinal=0, unit=u, unit_name=n, unit_id=uid, role="thực hiện")
                         for i, (u, n, uid) in enumerate(rows)], dtype=object)


@pytest.mark.parametrize("rows, expected", [
    # the same name with and without a gazetteer id: the id
    ([("Bộ Quốc phòng", "Bộ Quốc phòng", None), ("bo-qp", "Bộ Quốc phòng", "bo-qp")], ["bo-qp", "bo-qp"]),
    # case and tone-placement variants of a name: its most frequent spelling
    ([("BỘ Tài chính", "BỘ Tài chính", None), ("Bộ Tài chính", "Bộ Tài chính", None),
      ("Bộ Tài chính", "Bộ Tài chính", None)], ["Bộ Tài chính"] * 3),
    ([("Sở Y tế tỉnh Khánh Hoà", "Sở Y tế tỉnh Khánh Hoà", None),
      ("Sở Y tế tỉnh Khánh Hòa", "Sở Y tế tỉnh Khánh Hòa", None)], ["Sở Y tế tỉnh Khánh Hoà"] * 2),
    # different units stay apart
    ([("Sở Tài chính", "Sở Tài chính", None), ("Sở Tư pháp", "Sở Tư pháp", None)], ["Sở Tài chính", "Sở Tư pháp"]),
])
def test_canonical_units(rows, expected):
    assert list(canonical_units(obligations(*rows))["unit"]) == expected


def test_canonical_units_of_nothing():
    assert canonical_units(obligations()).empty
