# Neighbour of clean_config_entry_derived_from_itself: the field is computed from itself (a lost
# update), or from a key the request chooses.
from flask import Flask, current_app, request

app = Flask(__name__)
app.config["PROVIDER_TYPES"] = {"items": [], "views": 0}


@app.get("/providers/types")
def provider_types():
    types = current_app.config.get("PROVIDER_TYPES", {"items": []})
    types["views"] = types.get("views") + 1  # expect: FGL007
    types["shown"] = len(types.get(request.args["field"]))  # expect: FGL007
    return types
