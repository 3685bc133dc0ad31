"""Peak resident memory of a 1,000,000-world, 90-day baseline run, in a child process.

Run with ``make bench`` (it takes about three minutes). The run writes its results
folder to a temporary directory, as a user's run would, so the figure includes writing.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from latest import record

ROOT = Path(__file__).resolve().parents[1]
WORLDS = 1_000_000
DAYS = 90  # the baseline runs 30; the target is set for a 90-day horizon


def main() -> None:
    """Print the peak memory and time; add them to bench/latest.json."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sim.cli",
                "run",
                str(ROOT / "scenarios" / "baseline-may-2021.yaml"),
                "--worlds",
                str(WORLDS),
                "--out",
                f"{folder}/run",
                "--set",
                f"horizon_days={DAYS}",
                "--no-plots",
            ],
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{WORLDS:,} worlds, {DAYS} days: peak resident memory {peak_mib:,.0f} MiB, "
        f"{seconds:.0f} s (target at most 1,536 MiB)"
    )
    record(
        "memory",
        {"worlds": WORLDS, "days": DAYS, "peak_mib": round(peak_mib), "seconds": round(seconds)},
    )


if __name__ == "__main__":
    main()
