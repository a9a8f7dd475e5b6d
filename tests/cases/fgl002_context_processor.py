from flask import Flask, render_template

app = Flask(__name__)
render_count = {"total": 0}


@app.context_processor
def inject_site():
    render_count["total"] += 1  # expect: FGL002
    return {"site_name": "Acme"}


@app.route("/")
def index():
    return render_template("index.html")
