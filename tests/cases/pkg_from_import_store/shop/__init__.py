from flask import Flask


def create_app():
    app = Flask(__name__)
    from .views import checkout

    app.register_blueprint(checkout)
    return app
