"""Atomic writes for the documents: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from optimiser.errors import InputError


def atomic_write(save: Callable[[Path], None], target: Path) -> None:
    """Call `save` on a temporary path beside `target`, then rename it into place; a
    failure leaves `target` as it was and becomes an InputError naming it."""
    target = Path(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".htq-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise InputError(str(target), "", f"cannot write the file ({exc})") from None
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        save(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(str(target), "", f"cannot write the file ({exc})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
