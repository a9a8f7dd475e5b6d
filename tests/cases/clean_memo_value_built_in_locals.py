# Caches whose value is computed before it is stored: in a comprehension, in a local container
# filled with computed parts, or a (time, status, details) snapshot; one is also flushed, and its
# readers take each entry once.  Racing requests only compute twice.
import time

from flask import Flask

app = Flask(__name__)
_SLUGS = {}
_FEEDS = {}
_PROBE = {"snapshot": None}


def slug(word):
    return word.lower().replace(" ", "-")


def parse(url):
    return {"url": url}


def ping(name):
    return name != "down"


@app.get("/slugs/<key>")
def slugs(key):
    v = _SLUGS.get(key)
    if v is None:
        v = {n: slug(n) for n in key.split(",")}
        _SLUGS[key] = v
    return v


@app.get("/feeds/<key>")
def feeds(key):
    now = time.monotonic()
    cached = _FEEDS.get(key)
    if cached and now - cached[0] < 60:
        return cached[1]
    news = {}
    for url in key.split(","):
        news[url] = parse(url)
    _FEEDS[key] = (now, news)
    return news


@app.post("/feeds/flush")
def flush():
    _FEEDS.clear()
    return "", 204


@app.get("/probe")
def probe():
    snapshot = _PROBE["snapshot"]
    if snapshot is not None and time.monotonic() - snapshot[0] < 10:
        return snapshot[2]
    status = "OK"
    details = {}
    for name in ("ldap", "sql"):
        ok = ping(name)
        if not ok:
            status = "fail"
        details[name] = "OK" if ok else "fail"
    _PROBE["snapshot"] = (time.monotonic(), status, details)
    return details
