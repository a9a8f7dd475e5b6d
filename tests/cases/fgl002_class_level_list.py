import time

from flask import Flask

app = Flask(__name__)


class Metrics:
    report_timings = []


def build_report():
    return {"rows": 42}


@app.route("/report")
def report():
    started = time.perf_counter()
    body = build_report()
    Metrics.report_timings.append(time.perf_counter() - started)  # expect: FGL002 FGL003
    return body
