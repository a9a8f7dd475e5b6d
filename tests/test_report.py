from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from flaskglobals_lint import __version__
from flaskglobals_lint.diagnostics import Diagnostic
from flaskglobals_lint.report import FORMATS, baseline, github, gitlab, sarif, statistics, summary_line, text
from flaskglobals_lint.report import json as json_report

from .example_rules import LostUpdate, RequestDataInGlobal

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
RULES = (RequestDataInGlobal, LostUpdate)


def diagnostic(path: str = "app.py", line: int = 1, column: int = 1, code: str = "FGL002",
               **extra: object) -> Diagnostic:
    names = {"FGL002": "lost-update", "FGL004": "request-data-in-global"}
    fields: dict = {"message": f"`hits` is updated without a lock ({code})", "name": names.get(code, ""), **extra}
    return Diagnostic(path=path, line=line, column=column, code=code, **fields)


UNSORTED = [
    diagnostic("views.py", 3, 5, "FGL004", message="`last_user` holds request data"),
    diagnostic("app.py", 10, 1, "FGL002", message="`hits` += 1 without a lock"),
    diagnostic("app.py", 2, 9, "FGL004", message="`cache` holds request data"),
    diagnostic("app.py", 2, 9, "FGL002", message="`cache` updated without a lock"),
]


def test_text_is_one_flake8_style_line_per_finding_sorted() -> None:
    assert text.render(UNSORTED, RULES) == (
        "app.py:2:9: FGL002 `cache` updated without a lock\n"
        "app.py:2:9: FGL004 `cache` holds request data\n"
        "app.py:10:1: FGL002 `hits` += 1 without a lock\n"
        "views.py:3:5: FGL004 `last_user` holds request data\n"
    )


def test_text_without_findings_is_empty() -> None:
    assert text.render([], RULES) == ""


def test_text_colors_path_and_code_only_when_asked() -> None:
    found = [diagnostic("app.py", 4, 2, "FGL002", message="m")]

    assert text.render(found, RULES, color=True) == "\x1b[1mapp.py\x1b[0m:4:2: \x1b[1;31mFGL002\x1b[0m m\n"
    assert "\x1b" not in text.render(found, RULES, color=False)


def test_json_is_a_sorted_array_of_diagnostic_dicts() -> None:
    rendered = json_report.render(UNSORTED, RULES)

    assert json.loads(rendered) == [d.as_dict() for d in sorted(UNSORTED, key=Diagnostic.sort_key)]
    assert rendered.startswith("[\n  {\n")


def test_json_without_findings_is_an_empty_array() -> None:
    assert json_report.render([], RULES) == "[]\n"


def test_every_format_is_registered() -> None:
    assert FORMATS == {"text": text.render, "json": json_report.render, "sarif": sarif.render,
                       "github": github.render, "gitlab": gitlab.render, "baseline": baseline.render}


def render_sarif(diagnostics: list[Diagnostic], srcroot: Path = Path("/project")) -> dict:
    return json.loads(sarif.render(diagnostics, RULES, srcroot=srcroot))


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    found = UNSORTED + [diagnostic("/elsewhere/x.py", 1, 1, "FGL900", message="cannot parse", severity="note")]

    jsonschema.validate(render_sarif(found), SCHEMA)


def test_sarif_without_findings_validates() -> None:
    log = render_sarif([])

    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"] == []


def test_sarif_driver_describes_the_tool_and_its_rules() -> None:
    driver = render_sarif([])["runs"][0]["tool"]["driver"]

    assert (driver["name"], driver["version"]) == ("flaskglobals-lint", __version__)
    assert "informationUri" not in driver  # no address that does not exist
    assert driver["rules"][0] == {
        "id": "FGL002",
        "name": "lost-update",
        "shortDescription": {"text": "Read-modify-write of shared state in a request handler."},
        "fullDescription": {"text": "A global counter incremented in a view."},
        "help": {"text": LostUpdate.documentation(), "markdown": LostUpdate.documentation()},
        "defaultConfiguration": {"level": "error"},
    }
    assert [rule["id"] for rule in driver["rules"]] == ["FGL002", "FGL004"]


def test_sarif_result_carries_rule_level_message_and_region() -> None:
    found = diagnostic("src/app.py", 7, 5, "FGL004", message="`user` leaks", end_line=8, end_column=12,
                       chain=("index", "remember"))

    [result] = render_sarif([found])["runs"][0]["results"]

    assert result["ruleId"] == "FGL004"
    assert result["ruleIndex"] == 1
    assert result["level"] == "warning"
    assert result["message"] == {"text": "`user` leaks"}
    assert result["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 5, "endLine": 8, "endColumn": 12},
    }}]
    assert result["properties"] == {"chain": ["index", "remember"]}


def test_sarif_region_end_defaults_to_the_start() -> None:
    [result] = render_sarif([diagnostic("app.py", 3, 4)])["runs"][0]["results"]

    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": 4, "endLine": 3, "endColumn": 4}


def test_sarif_srcroot_is_the_base_of_relative_uris() -> None:
    run = render_sarif([diagnostic("/project/pkg/a b.py")])["runs"][0]

    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///project/"}}
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "pkg/a%20b.py", "uriBaseId": "%SRCROOT%"}


def test_sarif_path_outside_srcroot_is_an_absolute_file_uri() -> None:
    run = render_sarif([diagnostic("/elsewhere/app.py")])["runs"][0]

    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "file:///elsewhere/app.py"}


def test_sarif_result_for_an_unknown_rule_has_no_rule_index() -> None:
    [result] = render_sarif([diagnostic(code="FGL900", message="cannot parse")])["runs"][0]["results"]

    assert result["ruleId"] == "FGL900"
    assert "ruleIndex" not in result


def fingerprints(diagnostics: list[Diagnostic]) -> list[str]:
    results = render_sarif(diagnostics)["runs"][0]["results"]
    return [result["partialFingerprints"]["primaryLocationLineHash"] for result in results]


def test_sarif_fingerprint_is_stable_when_lines_shift() -> None:
    before = diagnostic("app.py", 10, 1, message="`hits` updated at line 10")
    after = diagnostic("app.py", 14, 3, message="`hits` updated at line 14")

    assert fingerprints([before]) == fingerprints([after])


def test_sarif_fingerprint_differs_by_code_path_and_state() -> None:
    base = diagnostic("app.py", message="`hits` updated")
    variants = [base, diagnostic("app.py", code="FGL004", message="`hits` updated"),
                diagnostic("views.py", message="`hits` updated"), diagnostic("app.py", message="`hits2` updated")]

    assert len({fingerprints([found])[0] for found in variants}) == 4


def test_sarif_fingerprint_tells_identical_findings_apart_by_occurrence() -> None:
    first, second = fingerprints([diagnostic("app.py", 3, message="m"), diagnostic("app.py", 9, message="m")])

    assert first.split(":")[0] == second.split(":")[0]
    assert (first.split(":")[1], second.split(":")[1]) == ("1", "2")


def test_github_annotation_line() -> None:
    found = diagnostic("app.py", 3, 5, "FGL002", message="`hits` updated", end_line=3, end_column=14,
                       severity="warning")

    assert github.render([found], RULES) == (
        "::warning file=app.py,line=3,col=5,endLine=3,endColumn=14,title=FGL002 lost-update::`hits` updated\n"
    )


@pytest.mark.parametrize(("severity", "command"), [("error", "error"), ("warning", "warning"), ("note", "notice")])
def test_github_command_follows_severity(severity: str, command: str) -> None:
    assert github.render([diagnostic(severity=severity)], RULES).startswith(f"::{command} ")


def test_github_escapes_data_and_properties() -> None:
    found = diagnostic("dir,x/a:b.py", 1, 1, "FGL002", message="100% sure\r\nreally: yes, really")

    assert github.render([found], RULES) == (
        "::warning file=dir%2Cx/a%3Ab.py,line=1,col=1,endLine=1,endColumn=1,title=FGL002 lost-update"
        "::100%25 sure%0D%0Areally: yes, really\n"
    )


def test_github_escape_functions() -> None:
    assert github.escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert github.escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"


def test_summary_line_counts_problems_per_code() -> None:
    found = [diagnostic(code="FGL004"), diagnostic(code="FGL002"), diagnostic(code="FGL002")]

    assert summary_line(found, 12) == "Found 3 problems (2 FGL002, 1 FGL004) in 1 of 12 files."


def test_summary_line_counts_the_files_with_problems() -> None:
    found = [diagnostic(path="a.py"), diagnostic(path="b.py"), diagnostic(path="b.py", line=9)]

    assert summary_line(found, 2) == "Found 3 problems (3 FGL002) in 2 files."
    assert summary_line(found, 5) == "Found 3 problems (3 FGL002) in 2 of 5 files."


def test_summary_line_singular() -> None:
    assert summary_line([diagnostic()], 1) == "Found 1 problem (1 FGL002) in 1 file."


def test_summary_line_when_clean() -> None:
    assert summary_line([], 12) == "All checks passed: 12 files."
    assert summary_line([], 1) == "All checks passed: 1 file."


def test_statistics_counts_per_code_with_name() -> None:
    found = [diagnostic(code="FGL004"), diagnostic(code="FGL002"), diagnostic(code="FGL002")]

    assert statistics(found) == "2     FGL002 lost-update\n1     FGL004 request-data-in-global\n"


def test_statistics_of_nothing_is_empty() -> None:
    assert statistics([]) == ""


def test_sarif_relates_the_write_to_the_state_definition_and_json_names_it() -> None:
    found = diagnostic(line=7, state=("hits", "app.py", 3))

    [result] = render_sarif([found])["runs"][0]["results"]

    assert result["relatedLocations"] == [{
        "id": 1,
        "physicalLocation": {"artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 3}},
        "message": {"text": "'hits' is defined here"},
    }]
    assert found.as_dict()["state"] == {"name": "hits", "path": "app.py", "line": 3}
    assert "relatedLocations" not in render_sarif([diagnostic()])["runs"][0]["results"][0]


BOOKSHOP = Path(__file__).parent.parent / "examples" / "bookshop"


def bookshop_diagnostic(code: str, line: int, monkeypatch: pytest.MonkeyPatch) -> Diagnostic:
    from flaskglobals_lint.engine import RunOptions, lint_paths

    monkeypatch.chdir(BOOKSHOP.parent.parent)  # paths are shown relative to the working folder
    result = lint_paths([Path("examples")], options=RunOptions(jobs=1, cache=False))
    return next(d for d in result.diagnostics if d.code == code and d.line == line and d.path.endswith("stats.py"))


def test_json_chain_is_frames_with_locations_across_files(monkeypatch: pytest.MonkeyPatch) -> None:
    found = bookshop_diagnostic("FGL003", 10, monkeypatch)
    catalog, stats = "examples/bookshop/catalog.py", "examples/bookshop/stats.py"
    [entry] = json.loads(json_report.render([found], []))
    # The route at its view's def, the view, the call of the helper in the view, the write in the helper.
    assert entry["chain"] == [
        {"text": "route GET /books/<slug>", "path": catalog, "line": 15},
        {"text": "show()", "path": catalog, "line": 15},
        {"text": "seen()", "path": catalog, "line": 19},
        {"text": "self.views += ...", "path": stats, "line": 10},
    ]


def test_sarif_code_flow_follows_the_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    found = bookshop_diagnostic("FGL003", 10, monkeypatch)
    log = render_sarif([found])
    catalog, stats = "examples/bookshop/catalog.py", "examples/bookshop/stats.py"
    jsonschema.validate(log, SCHEMA)
    [result] = log["runs"][0]["results"]
    [flow] = result["codeFlows"]
    steps = [(step["location"]["physicalLocation"]["artifactLocation"]["uri"],
              step["location"]["physicalLocation"]["region"]["startLine"], step["location"]["message"]["text"],
              step["nestingLevel"]) for step in flow["threadFlows"][0]["locations"]]
    assert steps == [(catalog, 15, "route GET /books/<slug>", 0), (catalog, 15, "show()", 1),
                     (catalog, 19, "seen()", 1), (stats, 10, "self.views += ...", 1)]


def test_a_chain_without_locations_has_no_code_flow_and_plain_json_steps() -> None:
    bare = diagnostic()
    bare = Diagnostic(**{**bare.__dict__, "chain": ("route GET /", "index()")})
    [result] = render_sarif([bare])["runs"][0]["results"]
    assert "codeFlows" not in result
    [entry] = json.loads(json_report.render([bare], []))
    assert entry["chain"] == [{"text": "route GET /", "path": None, "line": None},
                              {"text": "index()", "path": None, "line": None}]
