"""Operations: folders, schedules and processes around the pipeline.

`config` reads congvan.toml; `nightly` is the cron/systemd run over an inbox; `watch` takes files from a
watched folder as they arrive; `lock`, `state`, `inbox`, `runlog` and `progress` are their parts.
ops calls `pipeline.run`/`pipeline.batch` and never parses a document itself.
"""
