# A placeholder every request fills with the same object: readers see it unset or set, as they
# would with one thread, and no request's value replaces another's.
import logging

from flask import Flask

app = Flask(__name__)
logger = None


def log(message):
    logger.info(message)


@app.post("/run")
def run():
    global logger
    logger = logging.getLogger("runner")
    log("started")
    return "ok"
