"""A small bookshop with the shared-state bugs flaskglobals-lint finds.

Run ``flaskglobals-lint examples/`` from the repository root to see them.
"""
from flask import Flask

from .catalog import catalog
from .orders import orders


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SHOP_NAME"] = "Bookshop"
    app.register_blueprint(catalog)
    app.register_blueprint(orders)
    return app
