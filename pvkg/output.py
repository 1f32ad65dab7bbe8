"""Where the commands' answers go: a file named with ``-o``, or stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from pvkg.errors import OutputError


def write_output(data: bytes, output: Path | None) -> None:
    """Write ``data`` to ``output``, or to stdout when it is None.

    Raises:
        OutputError: the file cannot be written (no such folder, no permission, a directory);
            the command line reports it like bad input instead of a traceback.
    """
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as err:
        raise OutputError(f"cannot write {output}: {err.strerror or err}") from None
