from flask import Flask

app = Flask(__name__)


def breadcrumbs(section, trail=[]):
    trail.append(section)  # expect[b]: FGL002 FGL004
    return " / ".join(trail)


@app.route("/docs/<section>")
def docs(section):
    return {"breadcrumbs": breadcrumbs(section)}  # expect[b]: FGL002 FGL004
