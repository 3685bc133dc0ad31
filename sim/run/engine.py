"""The engines an ensemble can run on (a light module: the command line imports it)."""

from enum import StrEnum


class Engine(StrEnum):
    """Where the chunks of an ensemble run."""

    INPROCESS = "inprocess"
    PROCESSES = "processes"
    DASK = "dask"
