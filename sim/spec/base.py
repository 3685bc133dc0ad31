"""What every model of the scenario schema shares: its base, its field types, ``FIX``.

Each part of a scenario file has its module here (:mod:`sim.spec.casting`,
:mod:`sim.spec.dynamics`, :mod:`sim.spec.injects`, the whole in :mod:`sim.spec.schema`);
they build on :class:`Strict` and the constrained types below.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base of every schema model: unknown keys are errors, models are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]

#: Separates a validator's message from its fix (the loader shows them as "... Fix: ...").
FIX = " || fix: "
