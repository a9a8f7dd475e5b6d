from flask import Blueprint, request

from . import config
from .channels import CHANNELS

notify = Blueprint("notify", __name__)


@notify.post("/notify/<name>")
def send(name):
    send_via = CHANNELS.get(name) or CHANNELS[config.DEFAULT_CHANNEL]
    result = send_via(request.form["to"], request.form["text"])
    return {**result, "retries": config.RETRY_LIMIT}
