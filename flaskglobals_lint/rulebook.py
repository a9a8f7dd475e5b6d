"""The rules as the command line sees them, imported on first use: a replayed run whose settings
name no rule, and whose report is not SARIF, never imports the rules at all."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

if TYPE_CHECKING:
    from .rules.base import Rule

__all__ = ["RuleCatalogue", "Rules", "all_rules", "rule_ids"]


def rule_ids() -> dict[str, str]:
    """Every rule's code and name, as the settings check codes and names against them."""
    from .rules import ALL_RULES

    return {rule.code: rule.name for rule in ALL_RULES}


def all_rules() -> list[type[Rule]]:
    """Every rule, by code."""
    from .rules import ALL_RULES

    return sorted(ALL_RULES, key=lambda rule: rule.code)


class RuleCatalogue(Mapping[str, str]):
    """``rule_ids()``, loaded when a setting first names a rule."""

    @cached_property
    def _ids(self) -> dict[str, str]:
        return rule_ids()

    def __getitem__(self, code: str) -> str:
        return self._ids[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class Rules(Sequence["type[Rule]"]):
    """``all_rules()``, loaded when first looked at: only SARIF's report and the rule listings need them."""

    @cached_property
    def _rules(self) -> list[type[Rule]]:
        return all_rules()

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        return self._rules[index]

    def __len__(self) -> int:
        return len(self._rules)
