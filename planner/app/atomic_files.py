"""Atomic file output: write beside the target, flush to disk, then rename over it.

An interrupted export leaves the previous file whole; readers never see half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from planner.core.exceptions import InputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all. A symbolic link is followed (the file it points
    to is replaced, the link stays); a device, pipe or folder is refused; errors name `path`, never
    the temporary file; the temporary file goes on any exit, a signal included (the CLI turns
    SIGTERM into an exit)."""
    try:
        target = path.resolve() if path.is_symlink() else path
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop of links
        raise InputError(f"{path}: is a loop of symbolic links; choose a file name") from None
    if target.exists() and not target.is_file():
        raise InputError(f"{path}: is not a regular file; choose a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"output folder {str(folder)!r} does not exist")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None
    try:
        os.fchmod(descriptor, _mode_for(target))
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 less the umask),
    not mkstemp's private 0600."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
