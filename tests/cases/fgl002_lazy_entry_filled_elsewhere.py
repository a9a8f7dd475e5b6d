# ``if k not in C: C[k] = []`` with nothing put in the new list there, under a key the server
# chose: racing requests replace one empty list with another, as setdefault would, so the creation
# is not reported.  The unlocked append elsewhere is.  (A key the request chose would make the
# creation a claim two requests can both win: fgl002_alias_from_nested.)
from flask import Flask, current_app, request

app = Flask(__name__)
subscribers = {}


@app.get("/rooms")
def open_lobby():
    if "lobby" not in subscribers:
        subscribers["lobby"] = []
    if "members" not in current_app.config:
        current_app.config["members"] = dict()
    return {"rooms": sorted(subscribers)}


@app.post("/rooms/<room>/join")
def join(room):
    if room in subscribers:
        subscribers[room].append(request.form["who"])  # expect: FGL002
    return "ok"
