"""Where the data lives: built-in folders (inside the wheel, or the checkout) plus clinic folders."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from planner.core.exceptions import DataError

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CLINIC_DATA_ENV = "REHAB_PLANNER_CLINIC_DATA"


def builtin_dir(name: str) -> Path:
    """exercises/ or templates/: shipped under planner/_data in a wheel, at the top of a checkout."""
    installed = PACKAGE_DIR / "_data" / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def clinic_dirs(option: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Clinic folders from the command line, else from the environment (os.pathsep-separated)."""
    if option:
        return option
    value = os.environ.get(CLINIC_DATA_ENV, "")
    return tuple(Path(part) for part in value.split(os.pathsep) if part)


MAX_DATA_BYTES = 2 * 1024 * 1024  # a TOML data or clinic file; the whole built-in library is 60 KB


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A FIFO, device, socket or folder (or a
    link to one) is refused before it is opened, so nothing blocks on it or reads it without end;
    a loop of links, a missing file or an unreadable one is one DataError naming the file."""
    try:
        _regular(path, os.stat(path).st_mode)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(descriptor, "rb") as handle:
            _regular(path, os.fstat(handle.fileno()).st_mode)  # it may have been replaced since
            data = handle.read(limit + 1)
    except OSError as error:
        reason = "a loop of symbolic links" if error.errno == errno.ELOOP else error.strerror
        raise DataError(str(path), "", "", f"cannot be read ({reason})") from None
    if len(data) > limit:
        raise DataError(str(path), "", "", f"is larger than {_size(limit)}")
    return data


def _regular(path: Path, mode: int) -> None:
    """Refuse what is not a regular file, naming what it is."""
    if stat.S_ISREG(mode):
        return
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    kind = next((name for test, name in kinds if test(mode)), "something else")
    raise DataError(str(path), "", "", f"is {kind}, not a regular file")


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
