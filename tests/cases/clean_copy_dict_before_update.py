from flask import Flask, request

app = Flask(__name__)
DEFAULT_PREFERENCES = {"theme": "light", "lang": "en", "page_size": 20}


@app.route("/preferences")
def preferences():
    prefs = dict(DEFAULT_PREFERENCES)
    prefs.update(request.args.to_dict())
    overrides = DEFAULT_PREFERENCES.copy()
    overrides["lang"] = request.accept_languages.best or "en"
    return {"prefs": prefs, "overrides": overrides}
