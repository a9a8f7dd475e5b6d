from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="dev", ITEMS_PER_PAGE=20)
    if test_config:
        app.config.update(test_config)
    app.secret_key = app.config["SECRET_KEY"]
    allowed_types = {"png", "jpg"}
    allowed_types.add("gif")
    enabled = []
    enabled.append("uploads")

    @app.route("/uploads/types")
    def upload_types():
        return {
            "types": sorted(allowed_types),
            "features": enabled,
            "per_page": app.config["ITEMS_PER_PAGE"],
        }

    return app


app = create_app()
