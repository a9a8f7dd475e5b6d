from __future__ import annotations

from typing import Iterator

from ..state.model import Analysis, Finding
from .base import Rule


class FileNotAnalysed(Rule):
    """
    ## What it finds
    A file the linter could not analyse, with the reason: a syntax error
    (with Python's own message and position), bytes that are not valid in the
    file's encoding, a NUL byte, nesting too deep to parse safely, or a file
    that cannot be read.  The other files are still analysed and reported.

    ## Why it breaks
    It does not: it says that nothing is known about this file, so races in
    it (or reached through it) cannot be reported.

    ## Example
    ```python
    print "hello"      # Python 2
    ```

    ## Use instead
    Fix the file, or exclude it (`extend-exclude` in `[tool.flaskglobals-lint]`)
    if it is not part of the application.

    ## See it happen
    `flaskglobals-lint path/to/broken.py`
    """

    code = "FGL900"
    name = "file-not-analysed"
    summary = "A file could not be read or parsed, so it was not analysed."
    severity = "error"
    invalid = (
        'print "hello"  # expect: FGL900\n',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        return iter(())  # reported by the engine, from the per-file step
