"""Ctrl-C at every moment of a run, on both local engines: one line, exit 130, nothing left.

Each test starts ``crisis-sim run`` and waits for a sign from the program that it has
reached a moment (a line it prints, a file it writes), then sends SIGINT: to the run
alone, or to its whole process group as a terminal's Ctrl-C does. Whatever the moment,
the run must exit 130 with one line and no traceback, stop every process it started,
and leave either nothing, a journal to resume (and say so), or a complete folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from sim import interrupts
from sim.folders.runfolder import atomic_folder, read_manifest

from conftest import SCENARIOS

BASELINE = str(SCENARIOS / "baseline-may-2021.yaml")
# The command as users run it. Not `python -m sim`: under -m, CPython 3.12 exits by SIGINT
# (-2, which a shell also shows as 130) if the Ctrl-C happened to land inside one of the
# many string exec()s that imports make (dataclasses, typing), even once it is handled.
CRISIS_SIM = str(Path(sys.executable).with_name("crisis-sim"))
CHUNKS = 8
WORLDS = 8 * 6000


def _started(
    cwd: Path, engine: str, *extra: str, python: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, Path]:
    log = cwd / "stderr.txt"
    with log.open("w") as stderr:
        run = subprocess.Popen(
            [
                *(sys.executable, *python, CRISIS_SIM, "run", BASELINE),
                *("--worlds", str(WORLDS)),
                *("--chunk-size", str(WORLDS // CHUNKS), "--out", "run", "--engine", engine),
                *("--workers", "2", *extra),
            ],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own group, so a group's Ctrl-C reaches it alone
        )
    return run, log


def _wait_for(sign: Callable[[], bool], run: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while not sign():
        if run.poll() is not None or time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
            pytest.fail(f"the run never reached {what}")
        time.sleep(0.01)


def _kept_chunks(cwd: Path) -> list[Path]:
    return list((cwd / "run.incomplete" / "chunks").glob("*.parquet"))


def _importing_the_command_line(log: Path) -> bool:
    # python -X importtime prints a line as each module is imported: typer comes with the
    # command line's own imports, inside the launcher's guard (sim/__main__.py). Before
    # that, Python itself is starting, and a Ctrl-C then is Python's to report.
    return bool(re.search(r"\|\s+typer\.", log.read_text()))


# Each moment: the sign that the run has reached it, and the options that widen it.
MOMENTS: dict[str, tuple[Callable[[Path, Path], bool], tuple[str, ...]]] = {
    "importing": (lambda cwd, log: _importing_the_command_line(log), ("--no-plots",)),
    "before the workers start": (lambda cwd, log: "Running" in log.read_text(), ("--no-plots",)),
    "while the workers start": (
        lambda cwd, log: (cwd / "run.incomplete" / "request.json").exists(),
        ("--no-plots",),
    ),
    "mid-run": (lambda cwd, log: len(_kept_chunks(cwd)) >= 2, ("--no-plots",)),
    "merging": (lambda cwd, log: len(_kept_chunks(cwd)) == CHUNKS, ("--no-plots",)),
    "writing": (lambda cwd, log: any(cwd.glob(".run.partial-*")), ("--csv",)),
}


def _interrupt_at(tmp_path: Path, engine: str, moment: str, group: bool) -> str:
    sign, extra = MOMENTS[moment]
    python = ("-X", "importtime") if moment == "importing" else ()
    run, log = _started(tmp_path, engine, *extra, python=python)
    _wait_for(lambda: sign(tmp_path, log), run, moment)
    try:
        started = psutil.Process(run.pid).children(recursive=True)
    except psutil.NoSuchProcess:  # it finished before the sign was read: nothing to stop
        started = []
    if group:
        os.killpg(run.pid, signal.SIGINT)
    else:
        run.send_signal(signal.SIGINT)
    try:
        run.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        pytest.fail(f"Ctrl-C {moment} did not stop the run:\n{log.read_text()}")
    _, alive = psutil.wait_procs(started, timeout=15)
    assert not alive, f"left running after Ctrl-C {moment}: {alive}"
    stderr = log.read_text()
    if run.returncode == 0:  # it finished just before the signal came: complete, as said
        assert read_manifest(tmp_path / "run")["complete"] is True
        return stderr
    said = [
        line
        for line in stderr.splitlines()
        if line.strip()
        and not line.startswith(("Running", "import time:"))
        and "world-ticks" not in line
    ]
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr and len(said) == 1, stderr
    assert said[0].startswith("interrupted"), stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "stderr.txt")
    assert left in ([], ["run.incomplete"], ["run"]), left  # no .partial folder
    assert ("--resume" in said[0]) == (left == ["run.incomplete"]), stderr
    if left == ["run"]:
        assert read_manifest(tmp_path / "run")["complete"] is True
    return said[0]


@pytest.mark.slow  # real runs interrupted at each moment
@pytest.mark.parametrize("engine", ["inprocess", "processes"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_ctrl_c_at_each_moment_stops_cleanly(tmp_path, engine, moment):
    said = _interrupt_at(tmp_path, engine, moment, group=False)
    if moment in ("mid-run", "merging"):  # finished chunks are kept, and it says how to go on
        assert "kept in run.incomplete/" in said and "crisis-sim run --resume run" in said


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["importing", "while the workers start", "mid-run"])
def test_ctrl_c_from_a_terminal_reaches_every_process_and_stops_cleanly(tmp_path, moment):
    # A terminal sends SIGINT to the whole foreground group: the fork server and the
    # workers receive it too, and must leave the stopping to the run.
    _interrupt_at(tmp_path, "processes", moment, group=True)


class _InterruptedWhileCollected:
    """An object whose finalizer is running when the Ctrl-C comes (as a progress bar's did)."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # Python raises a signal's exception at its next check
            pass


@pytest.fixture
def remembering():
    previous, previous_hook = signal.getsignal(signal.SIGINT), sys.unraisablehook
    interrupts.remember_interrupts()
    yield
    signal.signal(signal.SIGINT, previous)
    sys.unraisablehook = previous_hook
    interrupts._interrupted = False


class _FailingWhileCollected:
    def __del__(self) -> None:
        raise RuntimeError("a finalizer's own bug")


def test_a_swallowed_ctrl_c_prints_no_traceback_but_other_errors_still_do(monkeypatch):
    # The CI saw "Exception ignored ... KeyboardInterrupt" with a traceback on stderr: the
    # Ctrl-C landed in a weak reference's callback during an import. The run then stopped
    # as it should, but a user sees a traceback for a Ctrl-C.
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_value))
    previous = signal.getsignal(signal.SIGINT)
    interrupts.remember_interrupts()
    try:
        _InterruptedWhileCollected()
        _FailingWhileCollected()
        with pytest.raises(KeyboardInterrupt):
            interrupts.raise_if_interrupted()
    finally:
        signal.signal(signal.SIGINT, previous)
        interrupts._interrupted = False
    assert [type(error) for error in reported] == [RuntimeError]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # meant
def test_a_ctrl_c_that_a_finalizer_swallowed_is_raised_again(remembering):
    # The CI once saw the merging moment finish with exit 0: the KeyboardInterrupt was
    # raised inside tqdm's __del__, printed as "Exception ignored" and lost.
    interrupts.raise_if_interrupted()  # nothing came yet
    _InterruptedWhileCollected()  # collected at once; its KeyboardInterrupt is swallowed
    with pytest.raises(KeyboardInterrupt):
        interrupts.raise_if_interrupted()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_no_folder_is_committed_after_a_swallowed_ctrl_c(remembering, tmp_path):
    with pytest.raises(KeyboardInterrupt), atomic_folder(tmp_path / "run") as folder:
        (folder / "manifest.json").write_text("{}")
        _InterruptedWhileCollected()
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its temporary sibling


def test_a_ctrl_c_as_the_temporary_folder_is_made_leaves_nothing(monkeypatch, tmp_path):
    # The CI (stop 21) found a .run.partial folder left after a Ctrl-C while writing: the
    # interrupt came after the temporary folder was made, before its clean-up's try.
    made = Path.mkdir

    def mkdir_then_ctrl_c(self, *args, **kwargs):
        made(self, *args, **kwargs)
        if ".partial-" in self.name:
            raise KeyboardInterrupt

    monkeypatch.setattr(Path, "mkdir", mkdir_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt), atomic_folder(tmp_path / "run"):
        pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("moment", ["the folder is made", "the request is written"])
def test_a_ctrl_c_as_a_journal_begins_leaves_no_journal(monkeypatch, tmp_path, moment):
    # The CI (stop 30) found run.incomplete/ left with "no results folder was written":
    # the Ctrl-C came after the journal's folder was made, before its request.json was
    # renamed into place, so nothing knew the folder was a journal to tidy or resume.
    from sim.run import journal

    if moment == "the folder is made":
        made = Path.mkdir

        def mkdir_then_ctrl_c(self, *args, **kwargs):
            made(self, *args, **kwargs)
            raise KeyboardInterrupt

        monkeypatch.setattr(Path, "mkdir", mkdir_then_ctrl_c)
    else:

        def write_then_ctrl_c(path, write):
            write(path.with_name(path.name + ".tmp"))
            raise KeyboardInterrupt

        monkeypatch.setattr(journal, "_write_atomically", write_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        journal.Journal.start(tmp_path / "run", {"worlds": 1})
    assert list(tmp_path.iterdir()) == []
