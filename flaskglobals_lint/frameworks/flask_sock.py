"""Flask-Sock's door into request time: ``sock = Sock(app)``, then ``@sock.route("/ws")``.

The decorated function serves one WebSocket connection per request thread; its
``ws`` and URL parameters come from the client.  A ``FrameworkAdapter``
(``adapter.py``), registered in ``registry.py``.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..facts.model import Decorator, FunctionFacts
from ..program.symbols import BindingSym, ClassSym, EntryPoint, FunctionKey, Symbols
from .adapter import product_modules

SOCK_CONSTRUCTORS = frozenset({"flask_sock.Sock"})
SOCK_DECORATORS = frozenset({"route"})


class FlaskSockAdapter:
    """Functions decorated with ``@<a Sock object>.route(url)``."""

    def __init__(self, symbols: Symbols, entry_point_decorators: Sequence[str] = ()) -> None:
        self.symbols = symbols

    def find_entries(self) -> list[EntryPoint]:
        entries: list[EntryPoint] = []
        for module, facts in product_modules(self.symbols):
            for fn in facts.functions.values():
                dec = next((d for d in fn.decorators if self.is_sock_route(module, fn, d)), None)
                if dec is not None:
                    label = f"websocket {dec.first_arg or ''}".rstrip()
                    entries.append(EntryPoint(FunctionKey(module, fn.qualname), "route", label, tainted_params=True))
        return entries

    def is_view_class(self, sym: ClassSym) -> bool:
        return False  # Flask-Sock has no class-based handlers

    def is_sock_route(self, module: str, fn: FunctionFacts, dec: Decorator) -> bool:
        if len(dec.name) < 2 or dec.name[-1] not in SOCK_DECORATORS or not dec.called or fn.class_name:
            return False
        return self.sock_object(module, dec.name[:-1]) is not None

    def sock_object(self, module: str, receiver: tuple[str, ...]) -> Optional[BindingSym]:
        """The module-level ``Sock(...)`` the receiver names, if it is one."""
        sym, rest = self.symbols.resolve_dotted(module, receiver)
        if isinstance(sym, BindingSym) and not rest:
            b = self.symbols.binding(sym)
            if b.kind == "call" and self.symbols.qualified(sym.module, b.ctor) in SOCK_CONSTRUCTORS:
                return sym
        return None
