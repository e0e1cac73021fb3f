"""The names the configuration chooses between. It imports nothing, so the command line can
offer them (and print `--help`) without loading pydantic or any stage."""

from __future__ import annotations

from typing import Literal

InstructorMode = Literal["tools", "json_schema", "md_json"]
# Whether llama.cpp may use its extra CPU buffer types (AMX, repacked weights).
ExtraBuffers = Literal["auto", "on", "off"]
BatchVia = Literal["sync", "batch-api"]
BatchEngine = Literal["local", "ray"]
ExportFormat = Literal["csv", "parquet", "duckdb"]
