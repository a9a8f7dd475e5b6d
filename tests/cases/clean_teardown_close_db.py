import sqlite3

from flask import Flask, g

app = Flask(__name__)


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect("app.db")
    return g.db


@app.teardown_appcontext
def close_db(exc):
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.route("/users/count")
def user_count():
    (count,) = get_db().execute("SELECT COUNT(*) FROM users").fetchone()
    return {"users": count}
