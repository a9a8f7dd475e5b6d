from flask import Blueprint, Flask, current_app, request

settings = Blueprint("settings", __name__, url_prefix="/settings")


@settings.put("/theme")
def set_theme():
    current_app.config.update(THEME=request.form["theme"])  # expect: FGL007 FGL004
    return {"theme": current_app.config["THEME"]}


def create_app():
    app = Flask(__name__)
    app.config.update(THEME="light")
    app.register_blueprint(settings)
    return app


app = create_app()
