"""The framework adapters, in the order their claims win.

A new framework's entry points are one adapter module (see ``adapter.py`` for
the interface) plus its line here.
"""
from __future__ import annotations

from typing import Sequence

from ..program.symbols import Symbols
from .adapter import AdapterFactory, EntryPoints
from .background import BackgroundThreadsAdapter
from .flask_appbuilder import FlaskAppBuilderAdapter
from .flask_entries import FlaskAdapter
from .flask_sock import FlaskSockAdapter

# First claim wins: Flask-Sock before Flask, whose ``@X.route`` would otherwise take ``@sock.route``;
# background threads last, so a function that is also a view keeps its request-time entry.
ADAPTERS: tuple[AdapterFactory, ...] = (FlaskSockAdapter, FlaskAppBuilderAdapter, FlaskAdapter,
                                        BackgroundThreadsAdapter)


def entry_points(symbols: Symbols, entry_point_decorators: Sequence[str] = ()) -> EntryPoints:
    """Every registered adapter over one program."""
    return EntryPoints([factory(symbols, entry_point_decorators) for factory in ADAPTERS])
