from flask import Blueprint, request

from .stats import RECENTLY_VIEWED, stats

catalog = Blueprint("catalog", __name__)
BOOKS = {"dune": 3, "emma": 1}
_covers: dict[str, bytes] = {}


def load_cover(slug: str) -> bytes:
    return slug.encode()


@catalog.route("/books/<slug>")
def show(slug: str):
    if slug not in _covers:
        _covers[slug] = load_cover(slug)  # memoization: not reported
    RECENTLY_VIEWED.append(slug)
    stats.seen(request.args.get("q", ""))
    return {"slug": slug, "in_stock": BOOKS.get(slug, 0)}
