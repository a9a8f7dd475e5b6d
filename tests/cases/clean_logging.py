import logging

from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger("shop")
log.addHandler(logging.StreamHandler())


@app.route("/checkout", methods=["POST"])
def checkout():
    log.info("checkout by %s", request.remote_addr)
    return {"ok": True}


@app.post("/admin/debug-logging")
def enable_debug_logging():
    log.setLevel(logging.DEBUG)
    return "", 204
