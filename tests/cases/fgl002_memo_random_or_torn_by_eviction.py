# Neighbours of clean_memo_value_built_in_locals: a "cache" of a random secret a helper makes
# (each racing request, and each worker, keeps another), a cache filled with request data, and a
# cache tested with `in` and then indexed while another request may evict the entry.
import secrets

from flask import Flask, request

app = Flask(__name__)
TOKENS = {}
NOTES = {}
PAGES = {}


def random_token():
    return secrets.token_urlsafe(32)


def render(slug):
    return slug.upper()


@app.get("/token/<user>")
def token(user):
    if user not in TOKENS:
        made = random_token()
        TOKENS[user] = made  # expect: FGL002
    return TOKENS[user]


@app.post("/notes/<key>")
def note(key):
    if key not in NOTES:
        parts = {}
        parts["text"] = request.form["text"]
        NOTES[key] = parts  # expect: FGL002
    return NOTES[key]


@app.get("/pages/<slug>")
def page(slug):
    if slug not in PAGES:
        PAGES[slug] = render(slug)  # expect: FGL002
    return PAGES[slug]


@app.post("/pages/<slug>/forget")
def forget(slug):
    PAGES.pop(slug, None)  # expect: FGL002
    return "", 204
