"""Small datasets written in exactly the Hugging Face hub's layout (a README with ``configs`` and
``data/train-*.parquet`` shards), for the tests of loading, of bad inputs and of the chapters'
sentences on data that differ from the packaged ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

MESSAGES = pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))
HUB_README = """---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train-*
---
# fixture written by the tests in the hub layout
"""


def messages(n: int, answer: str) -> pa.Array:
    rows = [[{"content": f"prompt {i}", "role": "user"}, {"content": f"{answer} {i}", "role": "assistant"}] for i in range(n)]
    return pa.array(rows, type=MESSAGES)


def write_hub_dataset(
    root: Path,
    hub_id: str,
    chosen_score,
    rejected_score,
    *,
    column_order: tuple[str, ...] = ("chosen", "rejected", "chosen_score", "rejected_score"),
    shards: int = 1,
    score_type: pa.DataType = pa.float64(),
) -> Path:
    """Write ``root/<hub_id>/`` as on the hub: README with configs and data/train-*.parquet."""
    folder = root / hub_id
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(HUB_README)
    n = len(chosen_score)
    columns = {
        "chosen": messages(n, "good"),
        "rejected": messages(n, "bad"),
        "chosen_score": pa.array(chosen_score, type=score_type),
        "rejected_score": pa.array(rejected_score, type=score_type),
    }
    table = pa.table({name: columns[name] for name in column_order if name in columns})
    bounds = np.linspace(0, n, shards + 1).astype(int)
    for i in range(shards):
        pq.write_table(
            table.slice(bounds[i], bounds[i + 1] - bounds[i]), folder / "data" / f"train-{i:05d}-of-{shards:05d}.parquet"
        )
    return folder
