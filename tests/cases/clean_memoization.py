from pathlib import Path

from flask import Flask, abort

app = Flask(__name__)
DOCS_DIR = Path(__file__).parent / "docs"
_rendered = {}


def render_markdown(slug):
    path = DOCS_DIR / f"{slug}.md"
    if not path.exists():
        abort(404)
    return "<article>" + path.read_text() + "</article>"


@app.route("/docs/<slug>")
def doc(slug):
    if slug not in _rendered:
        _rendered[slug] = render_markdown(slug)
    return _rendered[slug]
