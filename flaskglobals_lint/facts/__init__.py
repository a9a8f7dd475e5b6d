"""The per-file step: each file's bytes become plain, cacheable ``ModuleFacts``.

``parse`` makes them (``syntax`` + libcst + ``extract``), ``codec`` and
``cache`` store them, ``jobs``, ``batch`` and ``workers`` run the step over
many files.
"""
from __future__ import annotations

from .model import ModuleFacts
from .parse import module_facts

__all__ = ["ModuleFacts", "module_facts"]
