from flask import Blueprint, Flask, abort

api = Blueprint("api", __name__, url_prefix="/api")
COUNTRIES = {"de": "Germany", "fr": "France", "it": "Italy"}


@api.get("/countries")
def list_countries():
    return COUNTRIES


@api.get("/countries/<code>")
def country(code):
    if code not in COUNTRIES:
        abort(404)
    return {"code": code, "name": COUNTRIES[code]}


app = Flask(__name__)
app.register_blueprint(api)
