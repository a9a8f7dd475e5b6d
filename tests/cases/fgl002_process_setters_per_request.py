# Process-wide settings changed by one request change them for every concurrent request.
import locale
import os
import random

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
