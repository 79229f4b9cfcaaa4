"""The directive cascade: which dispatch carries out which, and whether its tasks came down in time.

- `dispatches.py`  the register's documents, with their citations and tasks (from the store, or a
                   run's documents.jsonl with renderings of one dispatch collapsed)
- `graph.py`       the citation graph (networkx): `build_graph`, `subgraph_for`, `graph_json`,
                   `write_graphml`; `python -m pipeline.cascade.graph --out DIR [NUMBER] [--json]`
- `cascade.py`     restated tasks down the chain with their status (ok / late / no_deadline / missing);
                   `python -m pipeline.cascade.cascade --out DIR [--json]`
- `views.py`       the text and HTML views of both (chain trees, the cascade grouped by task)
- `exports.py`     the "Cascade" sheet of register.xlsx and section of report.html
- `names.py`, `similarity.py`, `config.py`  unit names, task text similarity, rules/cascade.yaml

Submodules are imported directly (`from pipeline.cascade.graph import build_graph`), so that
`python -m pipeline.cascade.graph` runs without importing itself twice.
"""
