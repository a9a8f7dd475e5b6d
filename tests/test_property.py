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
