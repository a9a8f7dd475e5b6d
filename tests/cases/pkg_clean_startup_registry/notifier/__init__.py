import os

from flask import Flask

from . import config
from .channels import CHANNELS
from . import email_channel, sms_channel  # noqa: F401  (importing registers the channels)

config.RETRY_LIMIT = int(os.environ.get("NOTIFIER_RETRY_LIMIT", "3"))


def create_app():
    app = Flask(__name__)
    from .views import notify

    app.register_blueprint(notify)
    app.config["CHANNELS"] = sorted(CHANNELS)
    return app


app = create_app()
