from __future__ import annotations

from pathlib import Path

import pytest

from flaskglobals_lint.cli import rule_ids
from flaskglobals_lint.settings import (
    DEFAULT_EXCLUDES,
    ConfigError,
    Settings,
    apply_cli,
    find_pyproject,
    load_settings,
)


def write_pyproject(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_find_pyproject_returns_the_nearest_file_with_the_tool_table(tmp_path: Path) -> None:
    config = write_pyproject(tmp_path, "[tool.flaskglobals-lint]\nstrict = true\n")
    nested = tmp_path / "src" / "app"
    nested.mkdir(parents=True)

    assert find_pyproject(nested) == config


def test_find_pyproject_passes_over_a_pyproject_without_the_table(tmp_path: Path) -> None:
    config = write_pyproject(tmp_path, "[tool.flaskglobals-lint]\n")
    write_pyproject(tmp_path / "sub", "[project]\nname = 'sub'\n")

    assert find_pyproject(tmp_path / "sub") == config


def test_find_pyproject_returns_none_when_no_file_has_the_table(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.black]\nline-length = 100\n")

    assert find_pyproject(tmp_path) is None


def test_find_pyproject_accepts_a_file_as_start(tmp_path: Path) -> None:
    config = write_pyproject(tmp_path, "[tool.flaskglobals-lint]\n")
    script = tmp_path / "app.py"
    script.write_text("", encoding="utf-8")

    assert find_pyproject(script) == config


def test_find_pyproject_ignores_a_broken_pyproject_that_does_not_mention_the_tool(tmp_path: Path) -> None:
    config = write_pyproject(tmp_path, "[tool.flaskglobals-lint]\n")
    write_pyproject(tmp_path / "vendored", "this is [not toml")

    assert find_pyproject(tmp_path / "vendored") == config


def test_load_settings_without_a_config_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(None, tmp_path) == Settings()


def test_load_settings_reads_every_key(tmp_path: Path) -> None:
    write_pyproject(tmp_path, """
[tool.flaskglobals-lint]
select = ["FGL0"]
ignore = ["FGL004"]
exclude = ["migrations"]
extend-exclude = ["legacy/*"]
entry-point-decorators = ["api.route"]
lock-names = ["guard"]
processes = 4
strict = true

[tool.flaskglobals-lint.per-file-ignores]
"tests/*" = ["FGL001", "FGL002"]
""")

    settings = load_settings(None, tmp_path)

    assert settings == Settings(
        select=("FGL0",),
        ignore=("FGL004",),
        exclude=("migrations",),
        extend_exclude=("legacy/*",),
        per_file_ignores=(("tests/*", ("FGL001", "FGL002")),),
        entry_point_decorators=("api.route",),
        lock_names=("guard",),
        processes=4,
        strict=True,
    )


def test_root_is_the_config_files_folder(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.flaskglobals-lint]\n")

    assert load_settings(None, tmp_path / "deeper").root == tmp_path


def test_extend_exclude_keeps_the_default_excludes(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.flaskglobals-lint]\nextend-exclude = ["scratch"]\n')

    settings = load_settings(None, tmp_path)

    assert settings.exclude == DEFAULT_EXCLUDES
    assert settings.extend_exclude == ("scratch",)


def test_an_explicit_config_file_is_used_instead_of_searching(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.flaskglobals-lint]\nstrict = false\n")
    other = tmp_path / "ci.toml"
    other.write_text("[tool.flaskglobals-lint]\nstrict = true\n", encoding="utf-8")

    settings = load_settings(other, tmp_path)

    assert settings.strict is True
    assert settings.root == tmp_path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("selct = ['FGL001']", "unknown key 'selct' (did you mean 'select'?)"),
        ("select = 'FGL001'", "select: expected a list of strings, got a string ('FGL001')"),
        ("ignore = ['E501']", "ignore: unknown rule name 'E501'"),
        ("ignore = ['E.501']", "ignore: 'E.501' is not a rule code (FGL followed by digits) or a rule name"),
        ("select = ['shared-container-mutaton']",
         "select: unknown rule name 'shared-container-mutaton' (did you mean 'shared-container-mutation'?)"),
        ("processes = 0", "processes: expected an integer >= 1, got 0"),
        ("processes = true", "processes: expected an integer >= 1, got True"),
        ("strict = 'yes'", "strict: expected true or false, got a string ('yes')"),
        ("per-file-ignores = ['tests/*']", "per-file-ignores: expected a table of glob = [codes], got a list"),
        ("per-file-ignores = { 'tests/*' = ['FGL0001'] }",
         "per-file-ignores.'tests/*': unknown rule code 'FGL0001' (did you mean 'FGL001'?)"),
    ],
)
def test_a_bad_setting_names_the_file_and_the_key(tmp_path: Path, body: str, expected: str) -> None:
    config = write_pyproject(tmp_path, f"[tool.flaskglobals-lint]\n{body}\n")

    with pytest.raises(ConfigError) as raised:
        load_settings(None, tmp_path, rule_ids())

    assert str(raised.value) == f"{config}: [tool.flaskglobals-lint] {expected}"


def test_codes_names_and_lowercase_in_the_config_become_codes(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.flaskglobals-lint]\nselect = ['fgl00', 'per-process-state']\n"
                              "extend-ignore = ['config-mutated-at-request-time']\n")

    settings = load_settings(None, tmp_path, rule_ids())

    assert (settings.select, settings.extend_ignore) == (("FGL00", "FGL011"), ("FGL007",))


def test_the_package_name_as_table_name_is_an_error_not_silence(tmp_path: Path) -> None:
    config = write_pyproject(tmp_path, "[tool.flaskglobals_lint]\nselect = ['FGL001']\n")

    with pytest.raises(ConfigError) as raised:
        load_settings(None, tmp_path)

    assert str(raised.value) == (
        f"{config}: [tool.flaskglobals_lint] is not read (did you mean [tool.flaskglobals-lint]?)")


def test_malformed_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    config = write_pyproject(tmp_path, "[tool.flaskglobals-lint]\nselect = [\n")

    with pytest.raises(ConfigError, match=r"invalid TOML") as raised:
        load_settings(None, tmp_path)

    assert str(raised.value).startswith(f"{config}: ")


def test_a_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nothere\.toml: cannot read"):
        load_settings(tmp_path / "nothere.toml", tmp_path)


def test_an_explicit_config_file_without_the_table_is_a_config_error(tmp_path: Path) -> None:
    config = write_pyproject(tmp_path, "[tool.black]\n")

    with pytest.raises(ConfigError) as raised:
        load_settings(config, tmp_path)

    assert str(raised.value) == f"{config}: no [tool.flaskglobals-lint] table"


def test_apply_cli_replaces_only_the_options_given() -> None:
    from_file = Settings(select=("FGL0",), ignore=("FGL004",), processes=2, strict=True)

    merged = apply_cli(from_file, select=("FGL002",), processes=None, strict=None)

    assert merged == Settings(select=("FGL002",), ignore=("FGL004",), processes=2, strict=True)


def test_apply_cli_sets_ignore_processes_and_strict() -> None:
    merged = apply_cli(Settings(ignore=("FGL004",)), ignore=("FGL001",), processes=3, strict=True)

    assert (merged.ignore, merged.processes, merged.strict) == (("FGL001",), 3, True)


def test_every_default_rule_is_selected_without_select_or_ignore() -> None:
    assert Settings().code_selected("FGL002")


def test_select_is_a_code_prefix() -> None:
    settings = Settings(select=("FGL00",))

    assert settings.code_selected("FGL002")
    assert not settings.code_selected("FGL010")


def test_ignore_wins_over_a_select_of_equal_length() -> None:
    assert not Settings(select=("FGL002",), ignore=("FGL002",)).code_selected("FGL002")


def test_the_more_specific_entry_wins() -> None:
    assert Settings(select=("FGL002",), ignore=("FGL0",)).code_selected("FGL002")
    assert not Settings(select=("FGL",), ignore=("FGL00",)).code_selected("FGL002")


def test_a_default_disabled_rule_is_off_unless_selected_by_full_code() -> None:
    assert not Settings().code_selected("FGL011", default_enabled=False)
    assert not Settings(select=("FGL",)).code_selected("FGL011", default_enabled=False)
    assert Settings(select=("FGL011",)).code_selected("FGL011", default_enabled=False)


def test_a_default_disabled_rule_passed_as_enabled_still_obeys_ignore() -> None:
    assert Settings(select=("FGL",)).code_selected("FGL011", default_enabled=True)
    assert not Settings(ignore=("FGL011",)).code_selected("FGL011", default_enabled=True)


def test_per_file_ignores_match_the_relative_path(tmp_path: Path) -> None:
    settings = Settings(per_file_ignores=(("tests/*", ("FGL001",)),), root=tmp_path)

    assert not settings.is_enabled("FGL001", tmp_path / "tests" / "test_app.py")
    assert settings.is_enabled("FGL002", tmp_path / "tests" / "test_app.py")
    assert settings.is_enabled("FGL001", tmp_path / "app.py")


def test_per_file_ignores_match_the_file_name() -> None:
    settings = Settings(per_file_ignores=(("conftest.py", ("FGL",)),))

    assert not settings.is_enabled("FGL003", "tests/unit/conftest.py")


def test_per_file_ignores_match_a_parent_folder() -> None:
    settings = Settings(per_file_ignores=(("scripts", ("FGL00",)),))

    assert not settings.is_enabled("FGL002", "scripts/tools/seed.py")
    assert settings.is_enabled("FGL002", "app/scripts.py")


def test_is_enabled_applies_select_and_default_enabled() -> None:
    assert not Settings(ignore=("FGL002",)).is_enabled("FGL002", "app.py")
    assert not Settings().is_enabled("FGL011", "app.py", default_enabled=False)
