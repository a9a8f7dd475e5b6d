# Neighbours of clean_same_value_writes: two different values in one place (a toggle),
# and a fresh container stored over the old one, are flagged.
from flask import Flask

app = Flask(__name__)
SETTINGS = {"mode": "light"}
PAGES = {"home": "<h1>home</h1>"}


@app.post("/dark")
def dark():
    SETTINGS["mode"] = "dark"  # expect: FGL002
    return "", 204


@app.post("/light")
def light():
    SETTINGS["mode"] = "light"  # expect: FGL002
    return "", 204


@app.post("/flush")
def flush():
    PAGES.clear()  # expect: FGL002
    return "", 204
