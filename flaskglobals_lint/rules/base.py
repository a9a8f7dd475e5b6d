"""What every rule is: a code, a name, its documentation, its examples, and check()."""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterator, Mapping, Union

if TYPE_CHECKING:
    from ..state.model import Analysis, Finding

DOC_SECTIONS = ("What it finds", "Why it breaks", "Example", "Use instead", "See it happen")


@dataclass(frozen=True)
class Example:
    """A runnable example that needs more than one file's text.

    ``settings`` are ``Settings`` fields (``{"processes": 2}`` for FGL011);
    ``files`` are the project's other files, by relative path (a helper
    module, a ``gunicorn.conf.py``).  ``source`` is linted as ``example.py``.
    """

    source: str
    settings: Mapping[str, object] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)


ExampleSource = Union[str, Example]


class Rule:
    """Base class.  A rule's class docstring is its documentation, written in
    the sections of ``DOC_SECTIONS`` (``## What it finds`` ...); ``--explain``,
    the README table and ``docs/rules/`` are all made from it.

    ``invalid`` examples must be flagged on the lines marked ``# expect: CODE``;
    ``valid`` examples must stay silent.  The test suite runs both.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[str] = "warning"
    enabled_by_default: ClassVar[bool] = True
    # Enabled by default when the app runs several worker processes (the deployment files say so).
    enabled_with_processes: ClassVar[bool] = False
    # Codes whose findings at the same write and state this rule's finding replaces, when both are selected.
    supersedes: ClassVar[tuple[str, ...]] = ()
    invalid: ClassVar[tuple[ExampleSource, ...]] = ()
    valid: ClassVar[tuple[ExampleSource, ...]] = ()
    # What ``--fix`` does for this rule's findings and when that is safe (the doc's "Fix safety").
    fix_safety: ClassVar[str] = "`--fix` does not change these findings."

    def check(self, analysis: "Analysis") -> Iterator["Finding"]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        body = inspect.cleandoc(cls.__doc__ or "")
        return f"# {cls.code} {cls.name}\n\n{cls.summary}\n\n{body}\n\n## Fix safety\n{cls.fix_safety}\n"
