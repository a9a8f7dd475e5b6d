# A per-locale cache whose value is built over many statements: a defaultdict filled with
# literals, translated strings, elements of computed lists and results of handler calls.
from collections import defaultdict

from flask import Flask, g

app = Flask(__name__)
_TEMPLATES = {}
SORTERS = {"navbar": lambda names: sorted(names)}


def gettext(text):
    return text


def plugin_templates():
    return {"navbar": ["clock", "weather"]}


@app.get("/templates")
def templates_view():
    locale = getattr(g, "locale", "en")
    if _TEMPLATES.get(locale) is not None:
        return _TEMPLATES[locale]
    templates = defaultdict(lambda: {"order": [], "entries": {}})
    templates["navbar"]["entries"]["settings"] = {"template": "navbar/settings.jinja2", "title": gettext("Settings")}
    found = plugin_templates()
    for name in found["navbar"] or []:
        templates["navbar"]["entries"][name] = {"template": name + "_navbar.jinja2"}
    missing = [n for n in found["navbar"]]
    templates["navbar"]["order"] = SORTERS["navbar"](missing + templates["navbar"]["order"])
    _TEMPLATES[locale] = templates
    return templates
