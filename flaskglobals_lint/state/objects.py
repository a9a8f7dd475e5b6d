"""What a write below a shared object means, as the state model asks it: a call of the held
object's own method, the app's configuration, a value a project helper returns at random, a cache
refreshed through the object's own method.  Read by ``resolve.StateModel``."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..facts.model import Access, Binding, FunctionFacts, Ref, Root
from ..frameworks import flask as fm
from ..program.callgraph import Context, InstanceOrigin, Project, Reach
from . import properties
from .model import Operation, SharedState

# How many returned calls deep a random value is followed (``new_secret()`` -> ``token(32)`` -> ...).
RANDOM_DEPTH = 4

# Methods of a project class whose result the facts take for an element (``stdlib.ELEMENT_METHODS``).
ELEMENT_LOOKUPS = ("get", "setdefault", "pop", "__getitem__")


def held_object_call(project: Project, module: str, access: Access, instance_ctor: Optional[tuple[str, ...]],
                     class_attr: Optional[Binding]) -> bool:
    """Whether a write below ``self.<attr>`` is not a change of ``self``'s state: ``self.index.insert(x)``
    on a project object (its method, followed by the call graph), a method of ``datamodel = None`` in
    the base class (what a subclass installs), ``model = self.datamodel.get(pk)`` (what it returns)."""
    path = access.target.path
    ctor = instance_ctor or (class_attr.ctor if class_attr else ())
    if access.kind == "method" and len(path) == 1 and (project_method(project, module, ctor, access.detail) or (
            not instance_ctor and class_attr is not None and class_attr.placeholder)):
        return True
    return path[1:2] == ("[]",) and any(project_method(project, module, ctor, m) for m in ELEMENT_LOOKUPS)


def project_method(project: Project, module: str, ctor: tuple[str, ...], method: str) -> bool:
    """Whether objects made by ``ctor`` are of a project class that defines ``method``."""
    cls = project.class_of_ctor(module, ctor)
    return cls is not None and project.find_method(cls, method) is not None


def app_config(state: SharedState, rest: tuple[str, ...]) -> Optional[tuple[SharedState, Operation]]:
    """``app.config[...]`` (and the app's other configuration attributes) below the app object."""
    attrs = [p[1:] for p in rest if p.startswith(".")]
    if not attrs or attrs[0] not in fm.APP_CONFIG_ATTRS:
        return None
    name = f"{state.name}.{attrs[0]}"
    return SharedState(f"{state.key}.{attrs[0]}", name, "app", "module", state.path, state.line), "config"


def random_result(project: Project, module: str, fn: FunctionFacts, made_by: tuple[int, ...], context: Context,
                  depth: int = 0) -> bool:
    """Whether a project function called by the statements ``made_by`` returns a random value,
    directly or through the functions it returns the result of."""
    if not made_by or depth > RANDOM_DEPTH:
        return False
    for call in fn.calls:
        if call.index not in made_by:
            continue
        for _, key, callee_context in project.callees_of_call(call, module, context):
            callee = project.function(key)
            if callee is not None and (callee.returns_random or random_result(
                    project, key.module, callee, callee.returns_made_by, callee_context, depth + 1)):
                return True
    return False


def refreshed_after_test(project: Project, fn: FunctionFacts, access: Access, reach: Reach) -> bool:
    """``if CACHE.is_valid(now): return CACHE.value`` ... ``CACHE.store(now, fetch())``, where
    ``store`` sets ``self.fetched_at = fetched_at``: a method's blind store of values no request
    chose, called by every request-time caller only after it tested the object.  The write refreshes
    a cache after a miss; racing callers store equivalent values."""
    path = access.target.path
    if access.kind != "attr" or access.target.root.kind != "self" or len(path) != 1 \
            or access.read_modify_write or reach.is_tainted(access.taint) \
            or properties.read_at(fn, access) is not None:
        return False
    callers = project.callers((reach.key, reach.context))
    for caller, call in callers:
        caller_fn = project.function(caller.key)
        obj = Ref(call.callee.root, call.callee.path[:-1])
        if caller_fn is None or not call.callee.path or call.callee.path[-1] != "." + fn.name \
                or any(ref is not None and properties.related(ref, obj) for ref in call.args + call.reads_receiver) \
                or any(caller.is_tainted(taint) for taint in call.arg_taint) \
                or not any(properties.related(t.ref, obj) and t.index <= call.index for t in caller_fn.tests):
            # (not from the object itself either: ``c.set(c.total + 1)`` is a read-modify-write)
            return False
    return bool(callers)


def captured_self(module: str, owner: FunctionFacts, access: Access) -> Optional[tuple[Access, Context]]:
    """``def define_routes(self): @self.app.route(...) def x(): self.last = ...``: a closure over the
    ``self`` of the method that defined it.  Every request runs the closure made once, over the one
    instance it captured: the write as made through that ``self``, and the context that shares it."""
    root = access.target.root
    if not method_self(owner, root.name):
        return None
    captured = InstanceOrigin(f"the {owner.class_name} instance {owner.name}() captures", module, owner.span.line)
    through_self = replace(access, target=Ref(Root("self", root.name, owner.class_name), access.target.path))
    return through_self, Context(captured)


def method_self(owner: FunctionFacts, name: str) -> bool:
    """Whether ``name``, seen from a closure of ``owner``, is the ``self`` of the method ``owner``."""
    return owner.kind == "method" and owner.params[:1] == (name,) and name not in owner.bindings
