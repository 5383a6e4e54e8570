"""A task that kills its process on files named crash*: how a worker that dies is seen
(a solver crash, memory). Module-level, so the pool's workers can import it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from optimiser.batch import run_task


def dies_on_crash_files(path: str, task: str, options: Mapping[str, Any]) -> dict[str, Any]:
    if Path(path).name.startswith("crash"):
        os._exit(70)
    return run_task(path, task, options)
