# A registry of classes whose constructors only set up the new, per-request object, and a
# registry of functions that change nothing shared: calling an element is harmless.
from flask import Flask, request

app = Flask(__name__)


class CsvExport:
    def __init__(self, rows):
        self.rows = rows
        self.lines = []

    def render(self):
        self.lines.append(",".join(self.rows))
        return "\n".join(self.lines)


def shout(text):
    return text.upper()


EXPORTERS = {"csv": CsvExport}
FILTERS = {"shout": shout}


@app.post("/export/<kind>")
def export(kind):
    exporter = EXPORTERS[kind](request.json["rows"])
    return FILTERS["shout"](exporter.render())
