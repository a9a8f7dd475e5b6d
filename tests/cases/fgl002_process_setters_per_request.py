# Process-wide settings changed by one request change them for every concurrent request.
import locale
import logging
import os
import random

import langid

from flask import Flask, request

app = Flask(__name__)


@app.route("/quiz")
def quiz():
    random.seed(request.args["seed"])  # expect: FGL002
    return str(random.randint(1, 10))


@app.route("/report")
def report():
    locale.setlocale(locale.LC_ALL, request.args.get("lang", "C"))  # expect: FGL002
    os.chdir("/srv/reports")  # expect: FGL002
    return "ok"


@app.route("/detect")
def detect():
    langid.set_languages(request.args.getlist("lang"))  # expect: FGL002
    return langid.classify(request.args["text"])[0]


@app.route("/quiet")
def quiet():
    logging.disable(logging.WARNING)  # expect: FGL002
    return "ok"
