# Neighbour of fgl002_lazy_entry_filled_elsewhere: the function fills the list it just created, so of two racing
# requests the loser's list (and its member) is replaced.  One check-then-act: reported once, where
# the list is created, not again at each append.
from flask import Flask, request

app = Flask(__name__)
subscribers = {}


@app.post("/rooms/<room>/join")
def join(room):
    who = request.form["who"]
    if room not in subscribers:
        subscribers[room] = list()  # expect: FGL002
        subscribers[room].append(who)
    else:
        subscribers[room].append(who)
    return "ok"
