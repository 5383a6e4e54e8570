"""`htq batch`: one task (check, solve or revise) over many files, on a local process pool
or a Dask cluster, into one results table.

- `task.py`: `run_task(path, task, options) -> dict`, the one function every engine runs:
  what the file is (`identify`), then the task for that kind of file, one row of results.
- `engines.py`: where the tasks run (a local process pool; Dask's distributed client).
- `table.py`: the rows as a pandas DataFrame, the summary, the exit code, the CSV or
  workbook written.
- `command.py`: the command line (files found in folders, progress, tables printed).
"""

from optimiser.batch.task import COLUMNS, TASKS, run_task

__all__ = ["COLUMNS", "TASKS", "run_task"]
