"""Generated Python programs never make the analysis raise.

CI runs a bounded number of examples; for a long run:
    FGL_HYPOTHESIS_EXAMPLES=5000 pytest tests/test_property.py
"""
from __future__ import annotations

import os

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from flaskglobals_lint.engine import lint_facts
from flaskglobals_lint.facts import module_facts
from flaskglobals_lint.settings import Settings

EXAMPLES = int(os.environ.get("FGL_HYPOTHESIS_EXAMPLES", "40"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))

pytestmark = pytest.mark.timeout(600)


def check(source: str) -> None:
    facts = module_facts(source, "generated.py", "generated")
    assert not facts.error.startswith("analysis error"), facts.error
    # The project pass and every rule run over whatever the file produced.
    lint_facts([facts], Settings())


@PROPERTY
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source: str) -> None:
    check(source)


@PROPERTY
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(source: str) -> None:
    check(source)


# ------------------------------------------------------------------ --fix over generated apps
from hypothesis import strategies as st  # noqa: E402

SIMPLE = st.sampled_from([
    "STATE.append(x)", "DATA[k] = x", "COUNT += 1", "COUNT = len(STATE)", "y = len(STATE)", "y = DATA.get(k)",
    "helper(x)", "print(x)", "pass", "x = x  # a comment", "STATE.remove(x) if x in STATE else None",
    "obj.hits += 1", "z = [s for s in STATE if s == x]", "DATA.setdefault(k, []).append(x)",
])


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _compound(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    return st.one_of(
        st.tuples(children, children).map(lambda b: ["if x:", *_indent(b[0]), "else:", *_indent(b[1])]),
        children.map(lambda b: ["for i in range(2):", *_indent(b)]),
        st.tuples(children, children).map(lambda b: ["try:", *_indent(b[0]), "finally:", *_indent(b[1])]),
        children.map(lambda b: ["while False:", *_indent(b)]),
        children.map(lambda b: ["with open(__file__) as f:", *_indent(b)]),
        children.map(lambda b: ["def inner():", "    global COUNT", *_indent(b)]),
    )


BLOCK = st.recursive(st.lists(SIMPLE.map(lambda s: [s]), min_size=1, max_size=4).map(lambda ls: sum(ls, [])),
                     lambda children: st.lists(st.one_of(children, _compound(children)), min_size=1, max_size=3)
                     .map(lambda ls: sum(ls, [])), max_leaves=12)


@st.composite
def flask_apps(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["", "import threading\n", "import threading as th\n"]))
    views = []
    for n in range(draw(st.integers(1, 3))):
        body = draw(BLOCK)
        tail = draw(st.sampled_from(["    return 'ok'", "    yield 'ok'", ""]))
        views.append("\n".join([f"@app.route('/v{n}')", f"def view{n}(x='a', k='b'):", "    global COUNT",
                                *_indent(body), tail]) + "\n")
    return (f'"""Generated."""\n{head}from flask import Flask\n\napp = Flask(__name__)\nSTATE = []\nDATA = {{}}\n'
            "COUNT = 0\n\n\nclass Obj:\n    hits = 0\n\n\nobj = Obj()\n\n\ndef helper(v):\n    DATA['last'] = v\n\n\n"
            + "\n\n".join(views))


@PROPERTY
@given(flask_apps())
def test_fix_of_a_generated_app_always_parses_and_settles(tmp_path_factory: pytest.TempPathFactory,
                                                          source: str) -> None:
    from flaskglobals_lint.engine import RunOptions, lint_paths
    from flaskglobals_lint.fix import plan_fixes
    from flaskglobals_lint.fixing import MAX_ROUNDS, run_fixes

    compile(source, "app.py", "exec")  # the generator makes valid Python
    folder = tmp_path_factory.mktemp("app")
    (folder / "app.py").write_text(source)
    untouched = "def pure(v):\n    return v + 1\n"
    (folder / "pure.py").write_text(untouched)

    def lint():
        return lint_paths([folder], options=RunOptions(jobs=1, cache=False))

    run = run_fixes(lint, unsafe=True, diff=False)
    fixed = (folder / "app.py").read_text()
    compile(fixed, "app.py", "exec")  # never a file that fails to parse
    assert (folder / "pure.py").read_text() == untouched  # a file without findings is never changed
    # Settled: the rounds stopped because nothing was left to fix, not at the limit.
    assert plan_fixes(lint().diagnostics, unsafe=True).changed == {}, (run.fixed, MAX_ROUNDS, fixed)
