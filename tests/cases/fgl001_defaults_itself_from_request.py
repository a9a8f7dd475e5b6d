# `x = x or <request value>`: the first request's value is kept for everyone.
from flask import Flask, request

app = Flask(__name__)
theme = None


@app.route("/theme")
def set_theme():
    global theme
    theme = theme or request.args["theme"]  # expect: FGL001
    return theme
