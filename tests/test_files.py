from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from flaskglobals_lint.discovery.deployment import detect_server, detect_worker_processes, find_deployment_files
from flaskglobals_lint.discovery.sources import SourceFile, discover
from flaskglobals_lint.settings import Settings


def touch(root: Path, *names: str, text: str = "") -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def displays(files: list[SourceFile]) -> list[str]:
    return [file.display for file in files]


def test_discover_walks_folders_recursively_in_sorted_order(tmp_path: Path) -> None:
    touch(tmp_path, "b.py", "a.py", "pkg/z.py", "pkg/sub/m.py", "notes.txt", "stub.pyi")

    assert displays(discover(["."], Settings(), cwd=tmp_path)) == ["a.py", "b.py", "pkg/sub/m.py", "pkg/z.py"]


def test_paths_are_absolute_and_displays_relative_to_cwd(tmp_path: Path) -> None:
    touch(tmp_path, "src/pkg/mod.py")

    [found] = discover(["src"], Settings(), cwd=tmp_path)

    assert found.path == tmp_path / "src" / "pkg" / "mod.py"
    assert found.display == "src/pkg/mod.py"


def test_a_file_outside_cwd_is_displayed_absolute(tmp_path: Path) -> None:
    touch(tmp_path, "elsewhere/app.py")
    (tmp_path / "here").mkdir()

    [found] = discover([tmp_path / "elsewhere" / "app.py"], Settings(), cwd=tmp_path / "here")

    assert found.display == (tmp_path / "elsewhere" / "app.py").as_posix()


def test_dot_slash_is_dropped_from_the_display(tmp_path: Path) -> None:
    touch(tmp_path, "app.py")

    assert displays(discover(["./app.py"], Settings(), cwd=tmp_path)) == ["app.py"]


def test_a_missing_path_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="^nothere.py$"):
        discover(["nothere.py"], Settings(), cwd=tmp_path)


def test_the_same_file_given_twice_is_listed_once(tmp_path: Path) -> None:
    touch(tmp_path, "pkg/a.py")

    assert displays(discover(["pkg", "pkg/a.py", "."], Settings(), cwd=tmp_path)) == ["pkg/a.py"]


def test_default_excludes_skip_virtualenvs_and_caches(tmp_path: Path) -> None:
    touch(tmp_path, "app.py", ".venv/lib/x.py", "__pycache__/y.py", "build/z.py", "thing.egg-info/w.py")

    assert displays(discover(["."], Settings(), cwd=tmp_path)) == ["app.py"]


def test_extend_exclude_matches_a_path_component(tmp_path: Path) -> None:
    touch(tmp_path, "app.py", "src/generated/models.py")

    found = discover(["."], Settings(extend_exclude=("generated",)), cwd=tmp_path)

    assert displays(found) == ["app.py"]


def test_exclude_matches_the_path_relative_to_root(tmp_path: Path) -> None:
    touch(tmp_path, "project/app.py", "project/legacy/old.py", "project/lib/legacy/kept.py")
    settings = Settings(extend_exclude=("legacy/*",), root=tmp_path / "project")

    found = discover(["project"], settings, cwd=tmp_path)

    assert displays(found) == ["project/app.py", "project/lib/legacy/kept.py"]


def test_exclude_replaces_the_default_excludes(tmp_path: Path) -> None:
    touch(tmp_path, "build/gen.py", "skip/me.py")

    assert displays(discover(["."], Settings(exclude=("skip",)), cwd=tmp_path)) == ["build/gen.py"]


def test_an_explicit_path_is_linted_even_when_excluded(tmp_path: Path) -> None:
    touch(tmp_path, "build/app.py", "build/inner/mod.py", "migrations/env.py")
    settings = Settings(extend_exclude=("migrations", "env.py"))

    found = discover(["build", "migrations/env.py"], settings, cwd=tmp_path)

    assert displays(found) == ["build/app.py", "build/inner/mod.py", "migrations/env.py"]


def test_module_name_walks_up_through_packages(tmp_path: Path) -> None:
    touch(tmp_path, "src/blog/__init__.py", "src/blog/views.py")

    found = {file.display: file for file in discover(["src"], Settings(), cwd=tmp_path)}

    assert found["src/blog/views.py"].module == "blog.views"
    assert not found["src/blog/views.py"].is_package
    assert found["src/blog/__init__.py"].module == "blog"
    assert found["src/blog/__init__.py"].is_package


def test_module_name_of_a_nested_package(tmp_path: Path) -> None:
    touch(tmp_path, "shop/__init__.py", "shop/api/__init__.py", "shop/api/orders.py")

    found = discover(["shop/api/orders.py"], Settings(), cwd=tmp_path)

    assert [file.module for file in found] == ["shop.api.orders"]


def test_a_lone_script_is_its_own_module(tmp_path: Path) -> None:
    touch(tmp_path, "app.py")

    assert discover(["app.py"], Settings(), cwd=tmp_path) == [
        SourceFile(path=tmp_path / "app.py", display="app.py", module="app", is_package=False)
    ]


def test_a_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    touch(tmp_path, "pkg/a.py")
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "loop")

    assert displays(discover(["."], Settings(), cwd=tmp_path)) == ["pkg/a.py"]


def test_a_symlinked_folder_inside_the_tree_is_not_listed_twice(tmp_path: Path) -> None:
    touch(tmp_path, "real/a.py")
    os.symlink(tmp_path / "real", tmp_path / "alias")

    assert displays(discover(["."], Settings(), cwd=tmp_path)) == ["alias/a.py"]


def test_find_deployment_files_looks_in_root_and_one_level_down(tmp_path: Path) -> None:
    touch(tmp_path, "Procfile", "gunicorn.conf.py", "Dockerfile.prod", "docker-compose.override.yml",
          "deploy/uwsgi-app.ini", "deploy/web.service", "deploy/compose.yaml", "deploy/deeper/Procfile",
          "node_modules/Procfile", "README.md")

    found = [path.relative_to(tmp_path).as_posix() for path in find_deployment_files(tmp_path)]

    assert found == ["Dockerfile.prod", "Procfile", "docker-compose.override.yml", "gunicorn.conf.py",
                     "deploy/compose.yaml", "deploy/uwsgi-app.ini", "deploy/web.service"]


def test_find_deployment_files_can_stay_in_root(tmp_path: Path) -> None:
    touch(tmp_path, "Procfile", "deploy/gunicorn.conf.py")

    assert find_deployment_files(tmp_path, subfolders=False) == [tmp_path / "Procfile"]


def detect(tmp_path: Path, name: str, text: str) -> tuple[int, str] | None:
    touch(tmp_path, name, text=text)
    return detect_worker_processes([tmp_path / name])


def test_gunicorn_conf_literal_workers(tmp_path: Path) -> None:
    assert detect(tmp_path, "gunicorn.conf.py", "bind = '0.0.0.0:80'\nworkers = 4  # tuned\n") == (
        4, "gunicorn.conf.py: workers = 4")


def test_gunicorn_conf_cpu_count_counts_as_several(tmp_path: Path) -> None:
    text = "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n"

    assert detect(tmp_path, "gunicorn.conf.py", text) == (
        2, "gunicorn.conf.py: workers = multiprocessing.cpu_count() * 2 + 1")


def test_gunicorn_conf_environment_default(tmp_path: Path) -> None:
    text = 'workers = int(os.environ.get("WEB_CONCURRENCY", 3))\n'

    assert detect(tmp_path, "gunicorn_config.py", text) == (
        3, 'gunicorn_config.py: workers = int(os.environ.get("WEB_CONCURRENCY", 3))')


def test_a_single_worker_is_not_reported(tmp_path: Path) -> None:
    assert detect(tmp_path, "gunicorn.conf.py", "workers = 1\n") is None


def test_procfile_short_option(tmp_path: Path) -> None:
    assert detect(tmp_path, "Procfile", "web: gunicorn -w 3 app:app\n") == (3, "Procfile: -w 3")


def test_procfile_fused_short_option(tmp_path: Path) -> None:
    assert detect(tmp_path, "Procfile", "web: gunicorn -w5 app:app\n") == (5, "Procfile: -w5")


def test_dockerfile_exec_form_long_option(tmp_path: Path) -> None:
    text = 'FROM python:3.12\nCMD ["gunicorn", "--workers", "6", "app:app"]\n'

    assert detect(tmp_path, "Dockerfile", text) == (6, "Dockerfile: --workers 6")


def test_compose_equals_option(tmp_path: Path) -> None:
    text = "services:\n  web:\n    command: gunicorn --workers=8 app:app\n"

    assert detect(tmp_path, "docker-compose.yml", text) == (8, "docker-compose.yml: --workers=8")


def test_continued_command_line(tmp_path: Path) -> None:
    text = "CMD gunicorn \\\n    -w 2 \\\n    app:app\n"

    assert detect(tmp_path, "Dockerfile", text) == (2, "Dockerfile: -w 2")


def test_short_w_of_another_command_is_not_a_worker_count(tmp_path: Path) -> None:
    text = "RUN wget -w 5 https://example.com/x\nCMD gunicorn app:app\n"

    assert detect(tmp_path, "Dockerfile", text) is None


def test_commented_out_command_is_ignored(tmp_path: Path) -> None:
    assert detect(tmp_path, "Procfile", "# web: gunicorn -w 9 app:app\nweb: gunicorn app:app\n") is None


def test_uwsgi_ini_processes(tmp_path: Path) -> None:
    assert detect(tmp_path, "uwsgi.ini", "[uwsgi]\nmodule = app:app\nprocesses = 4\n") == (
        4, "uwsgi.ini: processes = 4")


def test_uwsgi_command_line_processes(tmp_path: Path) -> None:
    text = "[Service]\nExecStart=/usr/bin/uwsgi --http :80 --processes 4 -w app:app\n"

    assert detect(tmp_path, "app.service", text) == (4, "app.service: --processes 4")


def test_web_concurrency(tmp_path: Path) -> None:
    assert detect(tmp_path, "Dockerfile", "ENV WEB_CONCURRENCY=3\nCMD gunicorn app:app\n") == (
        3, "Dockerfile: WEB_CONCURRENCY=3")
    assert detect(tmp_path, "compose.yaml", 'environment:\n  WEB_CONCURRENCY: "5"\n') == (
        5, "compose.yaml: WEB_CONCURRENCY: 5")


def test_the_largest_count_wins_and_the_reason_is_relative_to_root(tmp_path: Path) -> None:
    touch(tmp_path, "Procfile", text="web: gunicorn -w 2 app:app\n")
    touch(tmp_path, "deploy/gunicorn.conf.py", text="workers = 12\n")

    found = detect_worker_processes(find_deployment_files(tmp_path), root=tmp_path)

    assert found == (12, "deploy/gunicorn.conf.py: workers = 12")


def test_gunicorn_config_templates_and_other_names_are_read(tmp_path: Path) -> None:
    touch(tmp_path, "deploy/gunicorn.conf.py.j2", "scripts/gunicorn_conf.py", "conf/app.conf.py.template",
          "scripts/entrypoint.sh", "deploy/gunicorn.conf.py.template")
    found = [path.relative_to(tmp_path).as_posix() for path in find_deployment_files(tmp_path)]
    assert found == ["conf/app.conf.py.template", "deploy/gunicorn.conf.py.j2", "deploy/gunicorn.conf.py.template",
                     "scripts/entrypoint.sh", "scripts/gunicorn_conf.py"]
    assert detect(tmp_path, "gunicorn.conf.py.j2", "bind = '{{ bind }}'\nworkers = 5\n") == (
        5, "gunicorn.conf.py.j2: workers = 5")


def test_start_script_counts_only_its_server_command(tmp_path: Path) -> None:
    text = "#!/bin/sh\nflask db upgrade --processes 9\nexec gunicorn --workers ${WORKERS:-3} 'app:create_app()'\n"
    assert detect(tmp_path, "entrypoint.sh", text) == (3, "entrypoint.sh: --workers ${WORKERS:-3}")
    assert detect(tmp_path, "run.sh", "exec gunicorn --workers $WORKERS app:app\n") is None
    assert detect(tmp_path, "docker-entrypoint", "exec gunicorn -b :5000 -w${WEB_WORKERS:-4} app:app\n") == (
        4, "docker-entrypoint: -w${WEB_WORKERS:-4}")


def test_systemd_exec_start(tmp_path: Path) -> None:
    text = "[Service]\nExecStart=/srv/venv/bin/gunicorn -w 4 --bind unix:/run/app.sock app:app\n"
    assert detect(tmp_path, "app.service", text) == (4, "app.service: -w 4")


def test_no_deployment_files_means_unknown() -> None:
    assert detect_worker_processes([]) is None


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("Procfile", "web: gunicorn --threads 8 app:app\n", "Procfile: gunicorn"),
    ("Dockerfile", 'CMD ["uwsgi", "--http", ":8000"]\n', "Dockerfile: uwsgi"),
    ("Dockerfile", "CMD flask run --host 0.0.0.0\n", "Dockerfile: flask run"),
    ("gunicorn.conf.py", "threads = 4\n", "gunicorn.conf.py"),
    ("Procfile", "web: python app.py\n", ""),
    ("Dockerfile", "# gunicorn is not used here\nCMD python cps.py\n", ""),
])
def test_a_deployment_file_names_the_server(tmp_path: Path, name: str, text: str, expected: str) -> None:
    (tmp_path / name).write_text(text)
    assert detect_server([tmp_path / name], root=tmp_path) == expected


def test_force_exclude_applies_the_excludes_to_named_files(tmp_path: Path) -> None:
    touch(tmp_path, "app.py", "migrations/versions/m1.py", "gen_schema.py")
    settings = Settings(extend_exclude=("migrations", "gen_*.py"), root=tmp_path)
    named = ["app.py", "migrations/versions/m1.py", "gen_schema.py"]

    assert displays(discover(named, settings, cwd=tmp_path)) == named[:1] + sorted(named[1:])
    forced = replace(settings, force_exclude=True)
    assert displays(discover(named, forced, cwd=tmp_path)) == ["app.py"]


def git_tree(root: Path) -> None:
    (root / ".git" / "info").mkdir(parents=True)


def test_what_git_ignores_is_not_linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    git_tree(tmp_path)
    touch(tmp_path, "app.py", "gen/g.py", "src/app.py", "src/keep.py", "src/out/o.py", "local.py", "notes.py")
    (tmp_path / ".gitignore").write_text("gen/\n# comment\n")
    (tmp_path / "src" / ".gitignore").write_text("out/\n*.py\n!app.py\n")
    (tmp_path / ".git" / "info" / "exclude").write_text("local.py\n")

    assert displays(discover(["."], Settings(), cwd=tmp_path)) == ["app.py", "notes.py", "src/app.py"]
    everything = displays(discover(["."], Settings(respect_gitignore=False), cwd=tmp_path))
    assert everything == ["app.py", "gen/g.py", "local.py", "notes.py", "src/app.py", "src/keep.py", "src/out/o.py"]
    # Named explicitly, an ignored file is still linted, as an excluded one is.
    assert displays(discover(["gen/g.py"], Settings(), cwd=tmp_path)) == ["gen/g.py"]
    touch(tmp_path, "xdg/git/ignore", text="notes.py\n")  # the user's global excludes file
    assert displays(discover(["."], Settings(), cwd=tmp_path)) == ["app.py", "src/app.py"]


def test_a_gitignore_outside_a_git_tree_means_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    touch(tmp_path, "app.py", "gen/g.py")
    (tmp_path / ".gitignore").write_text("gen/\n")

    assert displays(discover(["."], Settings(), cwd=tmp_path)) == ["app.py", "gen/g.py"]
