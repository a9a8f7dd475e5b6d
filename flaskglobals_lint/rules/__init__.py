"""The rule catalogue: one module per rule, each a ``Rule`` subclass."""
from __future__ import annotations

from .base import Rule
from .fgl001_global_rebind import GlobalRebind
from .fgl002_container_mutation import SharedContainerMutation
from .fgl003_object_mutation import SharedObjectMutation
from .fgl004_request_data_leak import RequestDataLeak
from .fgl005_check_then_act import CheckThenAct
from .fgl006_view_class_state import ViewClassState
from .fgl007_config_mutation import ConfigMutation
from .fgl008_useless_lock import UselessLock
from .fgl009_inconsistent_locking import InconsistentLocking
from .fgl010_await_interleaving import AwaitInterleaving
from .fgl011_per_process_state import PerProcessState
from .fgl012_in_memory_backend import InMemoryBackend
from .fgl900_file_not_analysed import FileNotAnalysed
from .fgl901_unused_noqa import UnusedNoqa

ALL_RULES: tuple[type[Rule], ...] = (
    GlobalRebind, SharedContainerMutation, SharedObjectMutation, RequestDataLeak, CheckThenAct,
    ViewClassState, ConfigMutation, UselessLock, InconsistentLocking, AwaitInterleaving,
    PerProcessState, InMemoryBackend, FileNotAnalysed, UnusedNoqa,
)
BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}

# The engine itself emits FGL900, from the per-file step.
FILE_ERROR_CODE = FileNotAnalysed.code
FILE_ERROR_NAME = FileNotAnalysed.name
# And FGL901, from the findings before suppression.
UNUSED_NOQA = UnusedNoqa

__all__ = ["ALL_RULES", "BY_CODE", "Rule", "FILE_ERROR_CODE", "FILE_ERROR_NAME"]
