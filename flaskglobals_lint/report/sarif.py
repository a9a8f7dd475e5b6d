"""SARIF 2.1.0, the format code-scanning services (GitHub, Azure DevOps) import."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import quote

from .._version import __version__
from ..diagnostics import Diagnostic, fingerprint, stable_identity

if TYPE_CHECKING:
    from ..rules.base import Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"

_LEVELS = {"error": "error", "warning": "warning", "note": "note"}
# Standalone numbers (line numbers, counts) would make a fingerprint change when code moves.


def render(
    diagnostics: Sequence[Diagnostic],
    rules: Sequence[type[Rule]],
    *,
    color: bool = False,
    srcroot: Path | None = None,
) -> str:
    """One SARIF log with one run; paths are relative to ``srcroot`` (default: the current directory)."""
    srcroot = (srcroot or Path.cwd()).absolute()
    ordered_rules = sorted(rules, key=lambda rule: rule.code)
    rule_index = {rule.code: index for index, rule in enumerate(ordered_rules)}
    occurrences: Counter[tuple[str, str, str]] = Counter()
    results = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        identity = stable_identity(diagnostic)
        occurrences[identity] += 1
        results.append(_result(diagnostic, rule_index, identity, occurrences[identity], srcroot))
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "flaskglobals-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(rule) for rule in ordered_rules],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": srcroot.as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"


def _rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    # No helpUri: the project has no public home yet; the whole rule documentation is in ``help``.
    documentation = rule.documentation()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_section(documentation) or rule.summary},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": _LEVELS.get(rule.severity, "warning")},
    }


def _first_section(documentation: str) -> str:
    """The body of the documentation's first ``##`` section, the rule's own longer description."""
    sections = re.split(r"^##[^\n]*\n", documentation, flags=re.MULTILINE)
    return sections[1].strip() if len(sections) > 1 else ""


def _result(diagnostic: Diagnostic, rule_index: dict[str, int], identity: tuple[str, str, str],
            occurrence: int, srcroot: Path) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": diagnostic.code}
    if diagnostic.code in rule_index:
        result["ruleIndex"] = rule_index[diagnostic.code]
    result.update({
        "level": _LEVELS.get(diagnostic.severity, "warning"),
        "message": {"text": diagnostic.full_message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact_location(diagnostic.path, srcroot),
            "region": {
                "startLine": diagnostic.line,
                "startColumn": diagnostic.column,
                "endLine": diagnostic.end_line or diagnostic.line,
                "endColumn": diagnostic.end_column or diagnostic.column,
            },
        }}],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint(identity, occurrence)},
    })
    name, path, line = diagnostic.state
    if path and line:
        # Code scanning shows where the shared state is defined next to the write.
        result["relatedLocations"] = [{
            "id": 1,
            "physicalLocation": {"artifactLocation": _artifact_location(path, srcroot), "region": {"startLine": line}},
            "message": {"text": f"'{name}' is defined here"},
        }]
    if diagnostic.chain:
        result["properties"] = {"chain": list(diagnostic.chain)}
    if diagnostic.fix is not None and diagnostic.fix.edits:
        result["fixes"] = [_fix(diagnostic, srcroot)]
    steps = [(text, path, line) for text, path, line in diagnostic.located_chain if path and line]
    if steps and len(steps) == len(diagnostic.chain):
        # The request's path to the write, step by step: code scanning shows it as a flow.
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": {"artifactLocation": _artifact_location(path, srcroot),
                                               "region": {"startLine": line}},
                          "message": {"text": text}},
             "nestingLevel": 0 if index == 0 else 1}
            for index, (text, path, line) in enumerate(steps)]}]}]
    return result


def _fix(diagnostic: Diagnostic, srcroot: Path) -> dict[str, Any]:
    """The fix as SARIF ``artifactChanges``: whole-line replacements, per file."""
    fix = diagnostic.fix
    assert fix is not None
    changes: dict[str, list[dict[str, Any]]] = {}
    for path, start_line, start_column, end_line, end_column, content in fix.edits:
        changes.setdefault(path, []).append({
            "deletedRegion": {"startLine": start_line, "startColumn": start_column, "endLine": end_line,
                              "endColumn": end_column},
            "insertedContent": {"text": content},
        })
    unsafe = " (unsafe: " + fix.why + ")" if fix.applicability == "unsafe" else ""
    return {"description": {"text": fix.message + unsafe},
            "artifactChanges": [{"artifactLocation": _artifact_location(path, srcroot), "replacements": replacements}
                                for path, replacements in sorted(changes.items())]}


def _artifact_location(path: str, srcroot: Path) -> dict[str, str]:
    """A relative URI against ``%SRCROOT%`` when possible, else an absolute ``file:`` URI."""
    relative = Path(path)
    if relative.is_absolute():
        try:
            relative = relative.relative_to(srcroot)
        except ValueError:
            return {"uri": relative.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}
