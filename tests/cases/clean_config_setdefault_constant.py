from flask import Blueprint, Flask, current_app, request

catalog = Blueprint("catalog", __name__)


@catalog.before_request
def ensure_page_size():
    current_app.config.setdefault("CATALOG_PAGE_SIZE", 20)


@catalog.route("/products")
def products():
    size = current_app.config["CATALOG_PAGE_SIZE"]
    page = request.args.get("page", 1, type=int)
    return {"page": page, "size": size, "items": []}


app = Flask(__name__)
app.register_blueprint(catalog)
