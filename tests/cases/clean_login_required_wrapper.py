import functools

from flask import Flask, g, redirect, session, url_for

app = Flask(__name__)
app.secret_key = "dev"


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if session.get("user_id") is None:
            return redirect(url_for("login"))
        g.user_id = session["user_id"]
        return view(*args, **kwargs)

    return wrapped


@app.route("/login")
def login():
    return "please log in"


@app.route("/account")
@login_required
def account():
    return {"user": g.user_id}
