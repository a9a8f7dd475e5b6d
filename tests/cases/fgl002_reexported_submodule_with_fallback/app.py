# The package re-exports its submodule, with a fallback when an optional dependency is
# missing; the call through the package attribute still reaches the submodule.
from flask import Flask

import lookup_services

app = Flask(__name__)


@app.get("/author/<name>")
def author(name):
    if lookup_services.authors is None:
        return {"error": "lookups disabled"}, 503
    return lookup_services.authors.lookup(name)
