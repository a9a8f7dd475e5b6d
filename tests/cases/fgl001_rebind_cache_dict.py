from flask import Flask

app = Flask(__name__)
rendered_pages = {}


@app.route("/pages/<slug>")
def page(slug):
    return rendered_pages.get(slug, "not rendered yet")


@app.route("/admin/flush", methods=["POST"])
def flush_pages():
    global rendered_pages
    rendered_pages = {}  # expect: FGL001
    return "", 204
