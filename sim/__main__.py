"""``python -m sim`` and the ``crisis-sim`` command: the command line, guarded from its start.

The command line itself (:mod:`sim.cli`) answers Ctrl-C with one line and exit status 130.
A Ctrl-C can also come while it is still being imported, before it can answer; this
launcher imports it inside a guard, so that moment gets the same one line.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Import and run the command line; a Ctrl-C during the import exits 130 quietly."""
    try:
        from sim.cli import main as command_line
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: crisis-sim was stopped while starting; nothing was done.\n")
        raise SystemExit(130) from None
    command_line()


if __name__ == "__main__":
    main()
