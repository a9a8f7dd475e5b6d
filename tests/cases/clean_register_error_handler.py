import logging

from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)


def not_found(exc):
    log.info("404 for %s", request.path)
    body = {"error": "not found"}
    body["path"] = request.path
    return body, 404


app.register_error_handler(404, not_found)
