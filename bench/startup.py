"""The first second: wall time of short commands as a user types them.

Run with ``make bench``. Times, best of five, ``crisis-sim validate FILE``, a one-world
``crisis-sim run`` without and with its plots, and ``crisis-sim --help``, against the
targets of issue 14 (validate at most 0.5 s, a one-world run with plots at most 1.5 s).
Each is a fresh interpreter, so imports count, as they do for a user. To see what a
command imports and for how long: ``python -X importtime -m sim validate FILE``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from latest import record

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline-may-2021.yaml")
CRISIS_SIM = str(Path(sys.executable).with_name("crisis-sim"))
REPEATS = 5
COMMANDS = {
    "help": (["--help"], None),
    "validate": (["validate", BASELINE], 0.5),
    "run_1_world_no_plots": (["run", BASELINE, "--worlds", "1", "--no-plots"], None),
    "run_1_world_with_plots": (["run", BASELINE, "--worlds", "1"], 1.5),
}


def best_of(arguments: list[str], folder: Path) -> float:
    """Return the shortest wall time of REPEATS runs of ``crisis-sim ARGUMENTS``."""
    times = []
    for attempt in range(REPEATS):
        extra = ["--out", str(folder / f"run{attempt}")] if arguments[0] == "run" else []
        started = time.perf_counter()
        subprocess.run([CRISIS_SIM, *arguments, *extra], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print each command's time beside its target and add them to bench/latest.json."""
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, (arguments, target) in COMMANDS.items():
            seconds = best_of(arguments, Path(folder) / name)
            figures[name] = round(seconds, 3)
            goal = f"(target at most {target} s)" if target else ""
            print(f"{name:24s} {seconds:6.2f} s {goal}")
    record("startup", figures)


if __name__ == "__main__":
    main()
