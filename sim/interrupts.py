"""Ctrl-C at any moment: the few steps that must not be cut in half, and quiet workers.

A Ctrl-C is Python's ``KeyboardInterrupt``, raised in the main thread at whatever line it
is running. Almost everywhere that is what we want: the command line catches it, says
what is on disk and exits 130 (``sim.cli``). A few steps must finish once begun, or
leave a mess that a second process then trips over:

- starting worker processes: a worker forked from the server, half-started when the
  parent gives up, dies unpickling a lock the parent has already removed, and prints a
  ``FileNotFoundError`` traceback of its own;
- stopping them, so that a second Ctrl-C cannot leave a worker running;
- putting a finished folder in place of an earlier one (two renames).

:func:`deferred_interrupts` holds Ctrl-C for the length of such a step: SIGINT is
*blocked*, not ignored, so a Ctrl-C that arrives meanwhile is delivered, and raised, as
soon as the step ends. A Ctrl-C in a terminal reaches every process of the group, and
only the parent should act on it: the fork server starts ignoring it
(:func:`born_ignoring_interrupts`), and the workers, forked from it, ignore it too
(:func:`ignore_interrupts`, their initializer, says so again).

One more trap: a ``KeyboardInterrupt`` raised inside a finalizer (a ``__del__``, such as
a progress bar's, or a weak reference's callback, as import machinery runs them) is
printed as "Exception ignored" with a traceback, and lost, and the run goes on as if no
Ctrl-C had come. The command line therefore installs :func:`remember_interrupts`: its
handler also notes the Ctrl-C, its ``sys.unraisablehook`` keeps such a swallowed
``KeyboardInterrupt`` off the terminal (anything else swallowed is printed as before),
and the ensemble, between chunks, and the steps that commit results call
:func:`raise_if_interrupted`.

``tests/test_interrupts.py`` interrupts real runs at each moment, on both local engines.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

_interrupted = False  # a Ctrl-C came since remember_interrupts(), raised or not


def _note_and_raise(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def _quiet_about_noted_interrupts(unraisable: sys.UnraisableHookArgs) -> None:
    # A finalizer swallowed a Ctrl-C: it is noted, and raise_if_interrupted raises it
    # again, so the traceback Python would print says nothing the user needs.
    if _interrupted and isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    _python_unraisablehook(unraisable)


_python_unraisablehook = sys.unraisablehook


def remember_interrupts() -> None:
    """Raise ``KeyboardInterrupt`` on Ctrl-C as Python does, and also note that it came.

    For the command line's main thread. A note survives a ``KeyboardInterrupt`` that a
    finalizer swallowed; :func:`raise_if_interrupted` raises it again, and Python's
    "Exception ignored" report of it is not printed.
    """
    global _interrupted, _python_unraisablehook
    _interrupted = False
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _note_and_raise)
    if sys.unraisablehook is not _quiet_about_noted_interrupts:
        _python_unraisablehook = sys.unraisablehook
        sys.unraisablehook = _quiet_about_noted_interrupts


def raise_if_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if a Ctrl-C came, even one a finalizer swallowed.

    Called before results are committed (a folder renamed into place, an ensemble
    returned), so a lost Ctrl-C cannot let a run carry on as if it had not been pressed.
    """
    if _interrupted:
        raise KeyboardInterrupt


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block ends, then raise ``KeyboardInterrupt`` if it came.

    Two layers, because a Ctrl-C can be caught half-way: Python notes a signal at once but
    acts on it at its next check, which may fall inside the block. So a handler that only
    notes it replaces Python's for the block, and the signal is also blocked at the
    operating system's level, which the processes started in the block inherit.

    Only the main thread receives Ctrl-C in Python, and only it can hold it here; in any
    other thread the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    can_block = hasattr(signal, "pthread_sigmask")
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if can_block else None
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a held Ctrl-C arrives now
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


@contextlib.contextmanager
def born_ignoring_interrupts() -> Iterator[None]:
    """Start processes in this block and they ignore Ctrl-C from their first instruction.

    A new interpreter (the fork server is one) loses a blocked mask and any handler when
    it starts, but keeps an *ignored* signal, and Python then leaves it ignored: so the
    fork server, importing the simulator for a second or so, is not cut short by a
    terminal's Ctrl-C, and the workers it forks inherit the same. This process ignores
    Ctrl-C too for the block, so keep the block to starting the process (milliseconds).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def ignore_interrupts() -> None:
    """Make this process ignore Ctrl-C: a worker's initializer (the parent stops workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # inherited blocked; ignored is what is meant
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
