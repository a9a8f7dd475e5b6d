# Neighbour of clean_cache_built_over_many_statements: one part of the cached value is taken
# from the request, so the first requester's input is served to everyone with that locale.
from collections import defaultdict

from flask import Flask, g, request

app = Flask(__name__)
_TEMPLATES = {}


@app.get("/templates")
def templates_view():
    locale = getattr(g, "locale", "en")
    if _TEMPLATES.get(locale) is not None:
        return _TEMPLATES[locale]
    templates = defaultdict(dict)
    templates["navbar"]["title"] = request.args.get("title", "")
    _TEMPLATES[locale] = templates  # expect: FGL002
    return templates
