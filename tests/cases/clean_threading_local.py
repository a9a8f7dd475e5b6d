import sqlite3
import threading

from flask import Flask

app = Flask(__name__)
_local = threading.local()


def get_db():
    if not hasattr(_local, "conn"):
        _local.conn = sqlite3.connect("notes.db")
    return _local.conn


@app.route("/notes")
def notes():
    rows = get_db().execute("SELECT body FROM notes").fetchall()
    return {"notes": [body for (body,) in rows]}
