"""Flask-AppBuilder's and Flask-Admin's doors into request time: ``@expose`` methods of views.

``appbuilder.add_view(ChartView, ...)`` and ``admin.add_view(UserView(...))``
make one instance of each view class for the whole app, and its ``@expose(url)``
(or ``@expose_api``) methods serve every request: ``self`` is shared by all
concurrent requests, so ``self._filters.clear_filters()`` in one request changes
the filters another is about to run with (Flask-AppBuilder #2366, Superset
#33828).  A ``FrameworkAdapter`` (``adapter.py``), registered in ``registry.py``.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..facts.model import Decorator
from ..program.symbols import ClassSym, EntryPoint, ExternalSym, FunctionKey, FunctionSym, Symbols
from .adapter import product_modules

# The packages whose ``expose`` decorators route a view method, and what each is called.
VIEW_PACKAGES = {"flask_appbuilder": "Flask-AppBuilder", "flask_admin": "Flask-Admin"}
EXPOSE_DECORATORS = frozenset({"expose", "expose_api"})


class FlaskAppBuilderAdapter:
    """Methods decorated with Flask-AppBuilder's or Flask-Admin's ``@expose(url)``."""

    def __init__(self, symbols: Symbols, entry_point_decorators: Sequence[str] = ()) -> None:
        self.symbols = symbols

    def find_entries(self) -> list[EntryPoint]:
        entries: list[EntryPoint] = []
        for module, facts in product_modules(self.symbols):
            for fn in facts.functions.values():
                if not fn.class_name or fn.kind != "method":
                    continue
                found = next(((d, f) for d in fn.decorators if (f := self.framework(module, d))), None)
                if found is None:
                    continue
                dec, framework = found
                view = fn.class_name.rsplit(".", 1)[-1]
                methods = "|".join(dec.methods or ("GET",))
                label = f"{framework} view {view} (one instance per app) -> {methods} {dec.first_arg or '/'}"
                entries.append(EntryPoint(FunctionKey(module, fn.qualname), "view", label, tainted_params=True,
                                          shared_instance=f"the one {view} instance {framework} keeps"))
        return entries

    def is_view_class(self, sym: ClassSym) -> bool:
        return False  # ``self`` is one instance per app: its attributes are the app's, not per request

    def framework(self, module: str, dec: Decorator) -> Optional[str]:
        """The framework whose ``expose`` the decorator is, or None."""
        if not dec.called or dec.name[-1] not in EXPOSE_DECORATORS:
            return None
        sym, rest = self.symbols.resolve_dotted(module, dec.name)
        if rest:
            return None
        if isinstance(sym, ExternalSym):
            qualname = sym.qualname
        elif isinstance(sym, FunctionSym):
            qualname = f"{sym.module}.{sym.qualname}"  # the framework's own source, analysed as the project
        else:
            return None
        return VIEW_PACKAGES.get(qualname.split(".", 1)[0])
