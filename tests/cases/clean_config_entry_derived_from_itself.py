# A configured entry gets a field computed from its other fields and constants: every request
# stores the same number, so racing requests agree.
from flask import Flask, current_app

app = Flask(__name__)
app.config["PROVIDER_TYPES"] = {"items": [{"name": "route53"}, {"name": "dyn"}]}


@app.get("/providers/types")
def provider_types():
    types = current_app.config.get("PROVIDER_TYPES", {"items": []})
    types["total"] = len(types.get("items"))
    types["kind"] = "dns"
    return types
