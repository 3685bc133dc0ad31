"""Counter-based random numbers: every draw is a pure function of its key.

A draw is keyed by ``(seed, stream, tick, world, slot)`` and turned into a uniform on
[0, 1) by chained SplitMix64 finalisers (Steele, Lea & Flood 2014, "Fast splittable
pseudorandom number generators"), vectorised in numpy. Nothing is carried from one
draw to the next, so world 4217 sees the same numbers whether it runs alone, in a
batch of 100,000, or in chunks of 37 on another process: determinism does not depend
on how a run was split. This is the idea of counter-based generators (Salmon et al.
2011, "Parallel random numbers: as easy as 1, 2, 3"); SplitMix64's finaliser is a
well-studied 64-bit mixer, ample for simulation (not for cryptography).

Streams are named, and a name's number is a hash of its text, so adding a stream
never shifts the numbers of another.
"""

from __future__ import annotations

import zlib

import numpy as np

from sim.core.compiled import LARGE_BLOCK, kernels
from sim.core.splitmix import (
    GOLDEN,
    MANTISSA_SHIFT,
    MIX1,
    MIX2,
    SHIFT1,
    SHIFT2,
    SHIFT3,
    TO_UNIT,
    UGOLDEN,
    UMIX1,
    UMIX2,
    USHIFT1,
    USHIFT2,
    USHIFT3,
)

_MASK = 2**64 - 1


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser applied elementwise (uint64 in, uint64 out, wrapping)."""
    return _splitmix64_inplace(x.copy())


def _splitmix64_inplace(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, overwriting ``z`` (a fresh uint64 array) and returning it.

    The same arithmetic as :func:`_splitmix64` with one scratch array instead of eight
    temporaries: draws are about a fifth of a tick, and most of their cost was allocation.
    """
    z += UGOLDEN
    scratch = z >> USHIFT1
    z ^= scratch
    z *= UMIX1
    np.right_shift(z, USHIFT2, out=scratch)
    z ^= scratch
    z *= UMIX2
    np.right_shift(z, USHIFT3, out=scratch)
    z ^= scratch
    return z


def _splitmix64_int(x: int) -> int:
    """SplitMix64's finaliser on one Python integer: the same numbers as :func:`_splitmix64`.

    A draw's per-call keys (seed, stream, tick) are single numbers; mixing them as Python
    integers costs about a microsecond, where a one-element numpy array costs ten.
    """
    z = (x + GOLDEN) & _MASK
    z = ((z ^ (z >> SHIFT1)) * MIX1) & _MASK
    z = ((z ^ (z >> SHIFT2)) * MIX2) & _MASK
    return z ^ (z >> SHIFT3)


def stream_id(name: str) -> int:
    """Return the stable number of a named stream (CRC-32 of its name)."""
    return zlib.crc32(name.encode("utf-8"))


#: Blocks of at most this many worlds draw each tick's streams together (see CounterRNG);
#: larger ones draw with the compiled kernels: the two meet at one boundary.
BATCH_WORLDS = LARGE_BLOCK

Request = tuple[str, int | None]  # a draw's stream and slots


class CounterRNG:
    """Uniform draws for a block of worlds, keyed by seed, stream, tick and world.

    A large block draws each number in one compiled pass (:mod:`sim.core.kernels`,
    where numba is installed). A small block (up to :data:`BATCH_WORLDS` worlds) is
    mostly numpy's fixed cost per call: a tick makes some thirty draws of a dozen array
    operations each. Its policies draw the same streams every tick, so when a tick
    begins, the streams the last tick drew are drawn for this one in a single pass over
    a (streams, worlds) array, and each call takes its row. The numbers are the same as
    drawing each alone (the same arithmetic, element by element; ``tests/test_rng.py``
    checks it); a stream that was not foreseen, or is asked twice, is drawn alone.

    Args:
        seed: the scenario's seed (any non-negative integer below 2**64).
        world_ids: the global indices of the worlds this block simulates.
        batch: draw a tick's foreseen streams together (default: for small blocks).
        compiled: draw a large block's numbers with :mod:`sim.core.kernels` (numba),
            where it is installed; ``False`` keeps to numpy. The numbers are the same.
    """

    def __init__(
        self,
        seed: int,
        world_ids: np.ndarray,
        batch: bool | None = None,
        compiled: bool = True,
    ) -> None:
        if not 0 <= int(seed) < 2**64:
            raise ValueError(f"seed must be in [0, 2**64), got {seed}")
        self.seed = int(seed)
        self.world_ids = np.asarray(world_ids, dtype=np.uint64)
        self._seed_key = _splitmix64_int(self.seed)
        self._stream_keys: dict[str, int] = {}
        self._slot_keys: dict[int, np.ndarray] = {}
        self._hashed_worlds = _splitmix64(self.world_ids)
        self.batch = len(self.world_ids) <= BATCH_WORLDS if batch is None else batch
        self._kernels = None if self.batch or not compiled else kernels()
        self._tick: int | None = None  # the tick whose foreseen draws are ready
        self._ready: dict[Request, np.ndarray] = {}
        self._asked: list[Request] = []  # what that tick has drawn so far
        self._plan: tuple | None = None  # the last foreseen draws: keys and slot groups

    def _stream_key(self, stream: str) -> int:
        key = self._stream_keys.get(stream)
        if key is None:
            key = self._stream_keys[stream] = _splitmix64_int(self._seed_key ^ stream_id(stream))
        return key

    def _slot_key_column(self, slots: int) -> np.ndarray:
        """Return the mixed keys of slots 1..slots as a (slots, 1) column, once per count."""
        keys = self._slot_keys.get(slots)
        if keys is None:
            keys = _splitmix64(np.arange(1, slots + 1, dtype=np.uint64))[:, None]
            self._slot_keys[slots] = keys
        return keys

    def uniform(self, stream: str, tick: int, slots: int | None = None) -> np.ndarray:
        """Return uniforms on [0, 1) for every world: shape (R,), or (R, slots).

        Args:
            stream: the draw's purpose, e.g. ``"rumour"`` or ``"policy.azerbaijan"``.
            tick: the tick the draw belongs to.
            slots: how many independent draws per world (e.g. one per sector).
        """
        if self.batch:
            if self._tick is None or tick > self._tick:
                self._prepare(tick)
            if tick == self._tick:
                self._asked.append((stream, slots))
                ready = self._ready.pop((stream, slots), None)
                if ready is not None:
                    return ready
        tick_key = np.uint64(_splitmix64_int(self._stream_key(stream) ^ tick))
        if self._kernels is not None:  # a large block: compiled, one pass per draw
            if slots is None:
                return self._kernels.uniform_per_world(self._hashed_worlds, tick_key)
            slot_keys = self._slot_key_column(slots)[:, 0]
            return self._kernels.uniform_per_slot(self._hashed_worlds, tick_key, slot_keys).T
        keyed = _splitmix64_inplace(self._hashed_worlds ^ tick_key)
        if slots is not None:
            # Slot-major (slots, R) so every operation runs along the long axis; the
            # transpose returned is a view with the same (R, slots) values.
            keyed = _splitmix64_inplace(keyed[None, :] ^ self._slot_key_column(slots)).T
        return _to_unit(keyed)

    def symmetric(self, stream: str, tick: int, slots: int | None = None) -> np.ndarray:
        """Return uniforms on [-1, 1): an error of either sign, to scale by a noise level.

        The same draws as :meth:`uniform` (same stream and slots), mapped by ``2u - 1``.
        """
        return 2.0 * self.uniform(stream, tick, slots=slots) - 1.0

    def _prepare(self, tick: int) -> None:
        """Draw for ``tick``, in one pass, every stream the previous tick drew."""
        foreseen = tuple(dict.fromkeys(self._asked))  # each once, in the order first asked
        self._tick, self._asked, self._ready = tick, [], {}
        if not foreseen:
            return
        if self._plan is None or self._plan[0] != foreseen:  # usually last tick's plan again
            stream_keys = np.array([self._stream_key(s) for s, _ in foreseen], np.uint64)
            groups = [
                (slots, [row for row, (_, s) in enumerate(foreseen) if s == slots])
                for slots in dict.fromkeys(slots for _, slots in foreseen)
            ]
            self._plan = (foreseen, stream_keys, groups)
        _, stream_keys, groups = self._plan
        tick_keys = _splitmix64_inplace(stream_keys ^ np.uint64(tick))
        keyed = _splitmix64_inplace(self._hashed_worlds[None, :] ^ tick_keys[:, None])
        for slots, rows in groups:
            if slots is None:
                units = _to_unit(keyed[rows])  # (streams, R)
                self._ready.update({foreseen[row]: units[i] for i, row in enumerate(rows)})
            else:  # (streams, slots, R): each stream's (slots, R) block, transposed
                mixed = keyed[rows][:, None, :] ^ self._slot_key_column(slots)[None, :, :]
                units = _to_unit(_splitmix64_inplace(mixed))
                self._ready.update({foreseen[row]: units[i].T for i, row in enumerate(rows)})


def _to_unit(keyed: np.ndarray) -> np.ndarray:
    """Turn mixed keys into uniforms on [0, 1): their top 53 bits, scaled (overwrites keyed)."""
    np.right_shift(keyed, MANTISSA_SHIFT, out=keyed)
    unit = keyed.astype(np.float64)
    unit *= TO_UNIT
    return unit
