"""Which request-time writes touch state shared between requests and what kind of state it is:
the pass that turns the call graph into the state model (``locks`` judges the locks around them)."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..facts.model import TIMESTAMP, Access, AccessKind, Binding, FunctionFacts, ModuleFacts, Ref, Root, key_text
from ..frameworks import stdlib
from ..frameworks import flask as fm
from ..frameworks.adapter import FrameworkAdapter
from ..program.callgraph import Context, InstanceOrigin, Project, Reach
from ..program.constants import satisfiable
from ..program.symbols import BindingSym, ClassSym, ExternalSym, FunctionKey, ModuleSym
from . import properties
from .backends import in_memory_backends
from .locks import LockJudge, local_ctor
from .model import Analysis, BindingKind, HeldLock, Operation, SharedState, Write, short_lock_name
from .objects import app_config, captured_self, held_object_call, random_result, refreshed_after_test

# The kinds the facts give a binding directly; a call (``kind == "call"``) is judged by its callee.
FACT_KINDS: dict[str, BindingKind] = {"container": "container", "scalar": "scalar", "class": "class",
                                     "function": "function"}


class BindingKinds:
    """What kind of state a binding makes: a container, a lock, a manager, an app, an instance..."""

    def __init__(self, project: Project, locks: LockJudge) -> None:
        self.project = project
        self.locks = locks

    def binding_kind(self, module: str, binding: Binding) -> BindingKind:
        if binding.kind in FACT_KINDS:
            return FACT_KINDS[binding.kind]
        if binding.kind != "call" or not binding.ctor:
            return "other"
        ctor = binding.ctor
        if self.locks.lock_made_by(module, ctor)[0] is not None:
            return "lock"
        if "()" in ctor:
            head = ctor[: ctor.index("()")]
            return "proxy" if self.project.qualified(module, head) in stdlib.MANAGER_CONSTRUCTORS else "other"
        q = self.project.qualified(module, ctor)
        if q in stdlib.CONTAINER_CONSTRUCTORS:
            return "container"
        if q in stdlib.MANAGER_CONSTRUCTORS:
            return "manager"
        if q in fm.APP_CONSTRUCTORS:
            return "app"
        if q in stdlib.CLIENT_CONSTRUCTORS:
            return "client"
        made = self.project.class_of_ctor(module, ctor)
        if made is not None:
            return "manager" if self.project.external_bases(made) & stdlib.MANAGER_BASES else "instance"
        if len(ctor) >= 2:
            owner, rest = self.project.resolve_dotted(module, ctor[:-1])
            if isinstance(owner, BindingSym) and not rest:
                if self.binding_kind(owner.module, self.project.binding(owner)) == "manager":
                    return "proxy"
        return "other"

    def local_binding_kind(self, module: str, fn: FunctionFacts, name: str) -> BindingKind:
        binding = fn.bindings.get(name)
        if binding is None:
            return "other"
        expanded = local_ctor(fn, binding)
        if expanded != binding.ctor:
            kind = self.binding_kind(module, replace(binding, ctor=expanded))
            if kind in ("lock", "proxy"):
                return kind
        return self.binding_kind(module, binding)

    def class_key(self, module: str, binding: Binding) -> str:
        if binding.kind != "call":
            return ""
        cls = self.project.class_of_ctor(module, binding.ctor)
        return f"{cls.module}:{cls.qualname}" if cls else ""

    def known_attr(self, class_key: str, attr: str) -> bool:
        """Whether instances of the class hold ``attr`` as data (set on self, or a class attribute)."""
        module, qualname = class_key.split(":", 1)
        cls = ClassSym(module, qualname)
        return self.project.instance_attr_ctor(cls, attr) is not None or self.project.class_attr(cls, attr) is not None


class StateModel:
    """Resolves the targets of writes; ``LockJudge`` judges the locks around them."""

    def __init__(self, project: Project, entries: FrameworkAdapter, settings: object) -> None:
        self.project = project
        self.entries = entries
        self.locks = LockJudge(project, getattr(settings, "lock_names", ()) or ())
        self.kinds = BindingKinds(project, self.locks)
        self._reached_functions: set[FunctionKey] = set()

    # -------------------------------------------------------------- state
    def analyse(self, analysis: Analysis) -> None:
        project = self.project
        # A closure of request-time code is made per request, and so is a lock it holds.
        self._reached_functions = {key for key, _ in project.reached}
        self.locks.reached_functions = self._reached_functions
        project.propagate_locks(self.locks.lock_identity)
        seen: set[tuple[str, int, int, str]] = set()
        for (key, _), reach in project.reached.items():
            module = project.modules[key.module]
            fn = module.functions.get(key.qualname)
            if fn is None:
                continue
            for use in fn.fresh_locks:
                if self.locks.judge_lock(key.module, fn, use)[1]:
                    analysis.fresh_locks.append((module, fn, use, reach))
            for access in fn.accesses:  # not those no request-time caller makes run (``if migrate:``)
                if not satisfiable(access.guards, reach.constants) or \
                        (write := self.classify(key.module, module, fn, access, reach)) is None:
                    continue
                ident = (module.path, access.span.line, access.span.column, access.text)
                if ident in seen:
                    continue
                seen.add(ident)
                analysis.writes.append(write)
        analysis.readers = self.readers(analysis)

    def readers(self, analysis: Analysis) -> dict[str, dict[Optional[str], set[FunctionKey]]]:
        """For each state a write stores a same-every-time value in, and each literal key read of it
        (None for the whole): the request-time functions that read it.  Such a write matters only
        where another request reads what it stored."""
        wanted = {w.state.key: w.state.name.rsplit(".", 1)[-1] for w in analysis.writes if w.access.value_text}
        if not wanted:
            return {}
        names = set(wanted.values())
        out: dict[str, dict[Optional[str], set[FunctionKey]]] = {}
        for (key, _), reach in self.project.reached.items():
            fn = self.project.modules[key.module].functions.get(key.qualname)
            if fn is None:
                continue
            for ref, read_key in fn.reads:
                if ref.root.name not in names and not any(step[1:] in names for step in ref.path):
                    continue
                kinds: tuple[AccessKind, ...] = ("attr", "item") if ref.path else ("rebind",)
                for kind in kinds:
                    probe = Access(kind, ref, "", fn.span, "")
                    resolved = self.resolve(key.module, fn, probe, reach)
                    if resolved is not None and resolved[0].key in wanted:
                        by_key = out.setdefault(resolved[0].key, {})
                        by_key.setdefault(key_text(read_key) if read_key else None, set()).add(key)
                        break
        return out

    def classify(self, module_key: str, module: ModuleFacts, fn: FunctionFacts, access: Access,
                 reach: Reach) -> Optional[Write]:
        if "connection" in access.key_taint:
            # The requester's own slot (``d[request.sid]``, an object taken from it): no other
            # client writes it, and sticky sessions keep the client on one worker.
            return None
        resolved = self.resolve(module_key, fn, access, reach)
        if resolved is None:
            return None
        state, operation = resolved
        if operation == "proxy" and not (access.read_modify_write
                                       or properties.check_outside_lock(fn, access) is not None):
            return None
        if access.kind == "method" and access.detail == "setdefault" and not reach.is_tainted(access.taint) \
                and access.value_text and access.value_text != TIMESTAMP:
            # ``config.setdefault("X", {})``: an atomic get-or-create of a value that is the same every
            # time (not ``time.time()``, which each worker would stamp differently).
            return None
        locks, fresh = set(reach.held or ()), False
        for use in access.locks:
            held, made_per_call = self.locks.judge_lock(module_key, fn, use)
            locks.update([held.identity] if held is not None else [])
            fresh = fresh or (held is None and made_per_call)
        return Write(access, module, fn, reach, state, operation, frozenset(locks), fresh,
                     reach.is_tainted(access.taint), reach.is_tainted(access.key_taint),
                     held=tuple(self.locks.held_locks.get(lock) or HeldLock(lock, short_lock_name(lock))
                                for lock in sorted(locks)),  # (random_value: asked of memos only)
                     random_value=properties.memoizing(fn, access)
                     and random_result(self.project, module_key, fn, access.made_by, reach.context),
                     refreshes=refreshed_after_test(self.project, fn, access, reach),
                     tested_by=helper_test(self, module_key, fn, access, reach, state.key),
                     started_after=started_after_test(self, fn, access, reach, state.key))

    def resolve(self, module: str, fn: FunctionFacts, access: Access, reach: Reach,
                depth: int = 0) -> Optional[tuple[SharedState, Operation]]:
        """The shared state a write changes and the kind of change, or None if not shared."""
        root, path, context, kind = access.target.root, access.target.path, reach.context, access.kind
        if root.kind == "global":
            return self.resolve_global(module, fn, access)
        if root.kind == "closure":
            owner = self.project.modules[module].functions.get(root.owner)
            if owner is None or FunctionKey(module, root.owner) in self._reached_functions:
                return None  # a closure of request-time code: per request
            binding = owner.bindings.get(root.name)
            if binding is None and (captured := captured_self(module, owner, access)) is not None:
                return self.resolve_self(module, owner, *captured)
            state_kind = self.kinds.local_binding_kind(module, owner, root.name) if binding else "other"
            state = SharedState(
                key=f"{module}.{root.owner}.{root.name}", name=root.name, kind=state_kind, where="closure",
                path=self.project.modules[module].path, line=binding.span.line if binding else owner.span.line,
                of_class=self.kinds.class_key(module, binding) if binding else "")
            if kind == "rebind":
                return state, "rebind"
            return self.operation(state, path, kind, module)
        if root.kind == "param":
            for name, span in fn.mutable_defaults:
                if name == root.name and name not in reach.defaulted:
                    return None  # every request-time call passes its own: the default is never used
                if name == root.name:
                    state = SharedState(
                        key=f"{module}.{fn.qualname}:{name}", name=f"default of {name}", kind="container",
                        where="default", path=self.project.modules[module].path, line=span.line)
                    return self.operation(state, path, kind, module)
            return self.resolve_argument(access, reach, depth)
        if root.kind in ("self", "cls"):
            return self.resolve_self(module, fn, access, context)
        if root.kind == "new":
            return self.resolve_handed_out(module, access)
        return None

    def resolve_handed_out(self, module: str, access: Access) -> Optional[tuple[SharedState, Operation]]:
        """``ins = WorkerThread.get_instance(); ins.num += 1``: a store on the one object an
        accessor hands out, judged as the same store through that object's ``self``."""
        root = access.target.root
        for obj in self.project.instances.singletons(module, root.name):
            through_self = replace(access, target=Ref(Root("self", root.name, obj.cls.qualname), access.target.path))
            origin = InstanceOrigin(obj.description, obj.module, obj.line, via=root.name)
            result = self.resolve_self(obj.cls.module, None, through_self, Context(origin), owner=obj.cls)
            if result is not None:
                return result
        return None

    def resolve_argument(self, access: Access, reach: Reach, depth: int) -> Optional[tuple[SharedState, Operation]]:
        """A parameter bound to shared state by a request-time caller: ``add(EVENTS)``."""
        if depth > 8 or access.kind == "rebind":
            return None
        for caller, argument in reach.arguments.get(access.target.root.name, ())[:4]:
            caller_fn = self.project.function(caller.key)
            if caller_fn is None:
                continue
            target = Ref(argument.root, argument.path + access.target.path)
            result = self.resolve(caller.key.module, caller_fn, replace(access, target=target), caller, depth + 1)
            if result is not None:
                return result
        return None

    def resolve_global(self, module: str, fn: FunctionFacts, access: Access) -> Optional[tuple[SharedState, Operation]]:
        root, path = access.target.root, access.target.path
        project = self.project
        facts = project.modules[module]
        if access.kind == "rebind":
            binding = facts.bindings.get(root.name)
            kind = self.kinds.binding_kind(module, binding) if binding else "scalar"
            state = SharedState(f"{module}.{root.name}", root.name, kind, "module", facts.path,
                                binding.span.line if binding else 0, placeholder=bool(binding and binding.placeholder))
            return state, "rebind"
        sym = project.resolve_name(module, root.name)
        if isinstance(sym, ExternalSym):
            return external_state(module, sym.qualname, path, access)
        names = [root.name]
        steps = list(path)
        while steps and steps[0].startswith("."):
            names.append(steps.pop(0)[1:])
        sym, rest_names = project.resolve_dotted(module, tuple(names))
        rest = tuple("." + n for n in rest_names) + tuple(steps)
        if isinstance(sym, BindingSym):
            binding = project.binding(sym)
            kind = self.kinds.binding_kind(sym.module, binding)
            mod = project.modules[sym.module]
            if kind in ("lock", "manager", "function"):
                return None
            state = SharedState(f"{sym.module}.{sym.name}", sym.name, kind, "module", mod.path,
                                binding.span.line, of_class=self.kinds.class_key(sym.module, binding),
                                placeholder=binding.placeholder)
            if not rest and access.kind == "attr":
                # ``settings.MODE = ...`` on a project module: a global rebind from outside.
                return state, "rebind"
            return self.operation(state, rest, access.kind, sym.module)
        if isinstance(sym, ModuleSym) and access.kind == "attr" and not rest:
            name = names[-1]
            target = project.modules.get(sym.name)
            mod_path = target.path if target else sym.name
            state = SharedState(f"{sym.name}.{name}", name, "scalar", "module", mod_path, 0)
            return state, "rebind"
        if isinstance(sym, ClassSym):
            cls = project.klass(sym)
            if cls is None or not rest or not rest[0].startswith("."):
                return None
            return self.class_level(sym, rest, access.kind, module)
        if isinstance(sym, ExternalSym):
            return external_state(module, sym.qualname, rest, access)
        return None

    def class_level(self, sym: ClassSym, rest: tuple[str, ...], kind: str, module: str,
                    through_self: bool = False) -> Optional[tuple[SharedState, Operation]]:
        """The class attribute a write through the class (or, ``through_self``, an instance) changes."""
        project = self.project
        cls = project.klass(sym)
        assert cls is not None
        attr = rest[0][1:]
        found = project.class_attr(sym, attr)
        owner = found[0] if found else sym
        owner_facts = project.klass(owner) or cls
        binding = found[1] if found else None
        attr_kind = self.kinds.binding_kind(owner.module, binding) if binding else "other"
        if attr_kind in ("lock", "function", "class"):
            return None
        packages = {base.split(".")[0] for base in project.external_bases(sym)}
        if packages & stdlib.PER_INSTANCE_DEFAULT_PACKAGES:
            return None  # a model field: each instance gets its own copy of the default
        if packages & stdlib.DECLARATIVE_FIELD_PACKAGES and binding is not None and binding.kind == "call" \
                and through_self:
            return None  # ``self.urls`` of a form: the field this instance bound, not the class template
        view = self.entries.is_view_class(sym)
        state = SharedState(
            f"{owner.module}.{owner.qualname}.{attr}", f"{owner_facts.name}.{attr}", attr_kind, "class",
            project.modules[owner.module].path, binding.span.line if binding else owner_facts.span.line,
            view_class=view)
        tail = rest[1:]
        if not tail and kind == "attr":
            return state, "view" if view else "object"
        operation = self.operation(state, tail, kind, owner.module)
        if operation is not None and view:
            return operation[0], "view"
        return operation

    def resolve_self(self, module: str, fn: Optional[FunctionFacts], access: Access, context: Context,
                     owner: Optional[ClassSym] = None) -> Optional[tuple[SharedState, Operation]]:
        """A write through ``self`` or ``cls`` of a method of ``fn``'s class (or of ``owner``)."""
        project, root, path = self.project, access.target.root, access.target.path
        if owner is None and fn is not None and fn.class_name:
            owner = ClassSym(module, fn.class_name)
        if owner is None or not path or not path[0].startswith("."):
            return None
        cls, attr = owner, path[0][1:]
        instance_ctor, class_attr = project.instance_attr_ctor(cls, attr), project.class_attr(cls, attr)
        if held_object_call(project, module, access, instance_ctor, class_attr[1] if class_attr else None):
            return None
        if root.kind == "cls" or (class_attr is not None and instance_ctor is None
                                  and not (access.kind == "attr" and len(path) == 1)):
            if class_attr is not None or root.kind == "cls":
                result = self.class_level(cls, path, access.kind, module, through_self=root.kind == "self")
                if result is not None:
                    return result
        if root.kind != "self" or context.shared_self is None:
            return None
        origin = context.shared_self
        if origin.element and not properties.count_that_decides((fn for _, fn in project.methods(cls)), access):
            return None  # one of a shared container's objects (``program.instances``)
        name = f"{origin.description}.{attr}" if origin.kind == "instance" else f"self.{attr}"
        state = SharedState(
            f"{origin.module}:{origin.description}.{attr}", name,
            "instance", "instance", project.modules[origin.module].path, origin.line,
            view_class=origin.kind == "view")
        direct = access.kind == "attr" and len(path) == 1
        if not direct and instance_ctor is None and class_attr is None:
            return None  # ``self.payload[...]``: a property or method result, not known state
        return state, "view" if origin.kind == "view" else "object"

    def operation(self, state: SharedState, rest: tuple[str, ...], kind: str,
                  module: str) -> Optional[tuple[SharedState, Operation]]:
        """What a write at ``rest`` below ``state`` does to it."""
        if state.kind in ("container", "process"):
            if kind == "attr" and not rest:
                return None
            return state, "container"
        if state.kind == "proxy":
            return state, "proxy"
        if state.kind == "instance":
            if not rest and kind == "method":
                return None  # ``obj.clear()`` is a method of the object: followed by the call graph
            if not rest or not rest[0].startswith("."):
                return state, "object"
            direct = kind == "attr" and len(rest) == 1
            if not direct and state.of_class and not self.kinds.known_attr(state.of_class, rest[0][1:]):
                return None  # ``obj.payload[...]``: a property or method result, not known state
            return state, "object"
        if state.kind == "client":
            attrs = [p[1:] for p in rest if p.startswith(".")]
            if attrs and attrs[0] in stdlib.CLIENT_CONFIG_ATTRS:
                return state, "client"
            return None
        if state.kind == "app":
            return app_config(state, rest)
        if state.kind == "scalar" and kind == "attr":
            return None
        return None


def external_state(module: str, qualname: str, path: tuple[str, ...],
                   access: Access) -> Optional[tuple[SharedState, Operation]]:
    """Process-wide state of the standard library, and the app behind ``current_app``."""
    full = qualname
    rest = list(path)
    while True:
        if full in stdlib.PROCESS_STATE:
            if access.kind in ("item", "del", "method"):
                return SharedState(full, full, "process", "process", "", 0), "container"
            return None
        if full in fm.APP_PROXIES:
            app = SharedState(f"{module}:current_app", "current_app", "app", "module", "", 0)
            return app_config(app, tuple(rest))
        if not rest and access.kind == "method" and (setter := f"{full}.{access.detail}") in stdlib.PROCESS_SETTERS:
            return SharedState(setter, f"{setter}()", "process", "process", "", 0), "container"  # random.seed
        if not rest or not rest[0].startswith("."):
            return None
        full = f"{full}{rest.pop(0)}"


def helper_test(model: "StateModel", module: str, fn: FunctionFacts, access: Access, reach: Reach,
                state_key: str) -> Optional[tuple[int, str]]:
    """``if not name_free(n): abort(409)`` before ``with lock: USERS.add(n)``, where ``name_free``
    returns ``n not in USERS``: a condition outside the write's lock that calls a project predicate
    whose answer reads the written state.  Its line and the predicate's name."""
    if not access.locks:
        return None
    inner, project = access.locks[-1].acquisition, model.project
    for call in fn.calls:
        if not call.in_test or call.index >= access.index or inner in {u.acquisition for u in call.locks}:
            continue
        for _, key, context in project.callees_of_call(call, module, reach.context):
            callee, callee_reach = project.function(key), project.reached.get((key, context))
            if callee is None or callee_reach is None:
                continue
            if any(read_state(model, key.module, callee, ref, callee_reach) == state_key
                   for ref in callee.returns_reads):
                return call.span.line, callee.name
    return None


def read_state(model: "StateModel", module: str, fn: FunctionFacts, ref: Ref, reach: Reach) -> Optional[str]:
    """The key of the shared state a read of ``ref`` in ``fn`` reads (as a write there would
    change it), or None."""
    resolved = model.resolve(module, fn, Access("attr" if ref.path else "rebind", ref, "", fn.span, ""), reach)
    return resolved[0].key if resolved is not None else None


def started_after_test(model: "StateModel", fn: FunctionFacts, access: Access, reach: Reach,
                       state_key: str) -> Optional[tuple[int, str, str]]:
    """``if not RUNNING: Thread(target=work).start()``, where ``work`` sets ``RUNNING``: the first
    write of the work a request starts to state the request tested before the start (two requests can
    both pass the test and start the work twice: one problem, however many tested states the work
    changes).  Not when the request changes that state itself before the start (``RUNNING = True``
    after the test): it claimed the work.  The test's line, the starter's name and the start."""
    project = model.project
    tested: dict[str, tuple[int, str, str]] = {}
    for caller, call in project.callers((reach.key, reach.context)):
        started, caller_fn = project.started.get(id(call)), project.function(caller.key)
        if started is None or caller_fn is None or started.function != reach.key:
            continue
        claimed = {r[0].key for a in caller_fn.accesses if a.index <= call.index
                   and (r := model.resolve(caller.key.module, caller_fn, a, caller)) is not None}
        for test in (t for t in caller_fn.tests if t.index <= call.index):
            key = read_state(model, caller.key.module, caller_fn, test.ref, caller)
            if key is not None and key not in claimed:
                tested.setdefault(key, (test.span.line, caller_fn.name, started.text))
    if state_key not in tested:
        return None
    for earlier in fn.accesses:
        resolved = model.resolve(reach.key.module, fn, earlier, reach) if earlier.index < access.index else None
        if resolved is not None and resolved[0].key in tested:
            return None
    return tested[state_key]


def analyse(project: Project, entries: FrameworkAdapter, settings: object, processes: int = 1,
            processes_reason: str = "", cooperative: str = "", server: str = "",
            master_calls: frozenset[str] = frozenset()) -> Analysis:
    """The state model of a walked project (``project.walk`` has run).

    ``cooperative``: why requests run as greenlets (a deployment file's worker class); a
    module that monkey-patches at import time says so too, and so does the app's own gevent
    or eventlet server when no deployment file (``server``) serves it through another.
    ``master_calls``: the functions a gunicorn config calls in the master process.
    """
    if not cooperative:
        cooperative = next((f"{m.path}: {m.cooperative}" for m in project.modules.values() if m.cooperative), "")
    if not cooperative and not server:
        cooperative = next((f"{m.path}: {m.serves}" for m in project.modules.values() if m.serves), "")
    analysis = Analysis(project, processes=processes, processes_reason=processes_reason,
                        strict=bool(getattr(settings, "strict", False)), cooperative=cooperative)
    StateModel(project, entries, settings).analyse(analysis)
    analysis.backends = in_memory_backends(project, master_calls)
    analysis.finish()
    return analysis
