# A time-to-live cache kept in an object: every caller tests it (is_valid) before storing a fresh
# lookup through its method.  Racing requests store equivalent lookups; the last one wins.
import datetime

from flask import Flask

app = Flask(__name__)
TTL = datetime.timedelta(hours=1)


class VersionCache:
    def __init__(self):
        self.fetched_at = None
        self.releases = {}

    def is_valid(self, now):
        return self.fetched_at is not None and now - self.fetched_at < TTL

    def store(self, fetched_at, releases):
        self.fetched_at = fetched_at
        self.releases = releases


_cache = VersionCache()


def fetch_releases():
    return {"client": "1.2.3"}


@app.get("/status")
def status():
    now = datetime.datetime.now()
    if _cache.is_valid(now):
        return _cache.releases
    releases = fetch_releases()
    _cache.store(now, releases)
    return releases
