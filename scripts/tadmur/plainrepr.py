"""`plain_repr`: a dataclass's generated `__repr__` without the recursion guard dataclasses wrap it in.

Page keys digest the repr of every event, report, mention and entity on each build (emit/keys.py);
the guard took 60% of that time, and these records are trees that never contain themselves.
"""

from __future__ import annotations


def plain_repr(cls):
    inner = getattr(cls.__dict__.get("__repr__"), "__wrapped__", None)
    if inner is not None:
        cls.__repr__ = inner
    return cls
