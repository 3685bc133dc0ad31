"""Run the dashboard's server (``solara run``) as a child that never outlives ``crisis-sim``.

``crisis-sim dashboard`` serves from a child process. Whatever stops ``crisis-sim`` must
stop that child too, or it keeps the port and the next ``crisis-sim dashboard`` is
refused with "address in use":

- Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal) to ``crisis-sim``: it asks the
  server to stop (SIGTERM to the child's process group), waits up to ``GRACE`` seconds,
  then kills the group; a second signal meanwhile kills it at once. Then SIGINT goes on as
  ``KeyboardInterrupt`` and the others as :class:`Stopped`, for the command to report.
- SIGKILL to ``crisis-sim`` (no chance to clean up): on Linux the kernel sends the child
  SIGTERM (``PR_SET_PDEATHSIG``). Elsewhere the server then has to be stopped by hand.

Why both a session of its own and the parent-death signal: in its own session the child
gets no signal from the terminal, so Ctrl-C reaches ``crisis-sim`` alone and the server is
stopped once, in one bounded way (in the terminal's process group it would get SIGINT
twice, from the terminal and from us, and uvicorn takes a second SIGINT as "exit now");
and the group can be signalled as a whole, with any process the server started. But a
session of its own is out of reach of the signals sent to ``crisis-sim``'s group, so when
``crisis-sim`` cannot pass them on (SIGKILL), the parent-death signal does it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence

#: Seconds the server has to stop after SIGTERM before it is killed.
GRACE = 10.0
#: The signals that stop the server: Ctrl-C, ``kill``, and a closed terminal.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Stopped(Exception):
    """``crisis-sim`` was sent ``signum`` (SIGTERM or SIGHUP) and has stopped the server."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


def serve(
    command: Sequence[str], env: Mapping[str, str] | None = None, grace: float = GRACE
) -> int:
    """Run ``command`` until it exits or this process is told to stop; return its status.

    Raises ``KeyboardInterrupt`` on SIGINT and :class:`Stopped` on SIGTERM or SIGHUP,
    each once the child and its process group are gone. A signal this process was started
    with ignored (``nohup``, a background job) stays ignored. Call it from the main thread
    (the only one that handles signals).
    """
    process: subprocess.Popen | None = None
    pending: list[int] = []  # a signal that came before the child was started
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        if process is None:
            pending.append(signum)
        elif stopping:  # impatient: a second Ctrl-C kills the server at once
            _kill_group(process, _SIGKILL)
        else:
            raise KeyboardInterrupt if signum == signal.SIGINT else Stopped(signum)

    previous = {}
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, on_signal)
    try:
        process = _start(command, env)
        if pending:
            on_signal(pending[0], None)
        if _REAP_LAST:
            os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        else:
            process.wait()
    finally:
        stopping = True
        try:
            if process is not None:
                _stop(process, grace)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    return process.returncode


_SIGKILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL
#: Wait for the child without reaping it, so that its pid stays reserved as its group's id
#: until the group has been signalled (a reaped pid may be given to a stranger).
_REAP_LAST = os.name == "posix" and hasattr(os, "waitid")


def _start(command: Sequence[str], env: Mapping[str, str] | None) -> subprocess.Popen:
    # Solara's one line on stdout is "Solara server is starting at http://0.0.0.0:PORT",
    # an address students cannot open; ``crisis-sim dashboard`` prints the ones they can.
    # Its warnings and errors go to stderr, which is kept.
    quiet = subprocess.DEVNULL
    if os.name != "posix":  # Windows: no sessions; Ctrl-C reaches the console's processes
        return subprocess.Popen(list(command), env=env, stdout=quiet)
    return subprocess.Popen(
        list(command), env=env, stdout=quiet, start_new_session=True, preexec_fn=_die_with_parent()
    )


def _die_with_parent() -> Callable[[], None] | None:
    """Return what the child runs before ``exec`` to get SIGTERM when we die (Linux only).

    The death signal is sent when the thread that forked the child ends: ``serve`` runs in
    the main thread, which ends only with the process.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not after fork
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # we died before the death signal was set: no server
            os._exit(1)

    return preexec


def _stop(process: subprocess.Popen, grace: float) -> None:
    """Stop the child's process group: SIGTERM, up to ``grace`` seconds, then SIGKILL.

    The child is reaped last: until then its pid stays reserved as its group's id, so the
    final SIGKILL reaches only what the server left behind, never a stranger's group. A
    server that exited by itself leaves no grace to what it left behind.
    """
    if not _REAP_LAST:  # the group only while the server lives (Windows: the server alone)
        if process.poll() is None:
            _kill_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _kill_group(process, _SIGKILL)
        process.wait()
        return
    _kill_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while not _exited(process) and time.monotonic() < deadline:
        time.sleep(0.05)
    _kill_group(process, _SIGKILL)  # the server if it is still there, and its leftovers
    process.wait()


def _exited(process: subprocess.Popen) -> bool:
    """Whether the child has exited, without reaping it."""
    if process.returncode is not None:
        return True
    try:
        found = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:  # reaped already
        return True
    return found is not None


def _kill_group(process: subprocess.Popen, signum: int) -> None:
    """Send ``signum`` to the child's process group (to the child alone on Windows)."""
    if process.returncode is not None:  # reaped: its pid may be another's by now
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(process.pid, signum)  # in its own session: its group id is its pid
        else:
            process.send_signal(signum)
