# Neighbour of fgl002_lazy_entry_filled_elsewhere: the lists are filled under a lock, and the
# unlocked creation can replace a list a locked join has just filled.
import threading

from flask import Flask, request

app = Flask(__name__)
subscribers = {}
_lock = threading.Lock()


@app.get("/rooms")
def open_lobby():
    if "lobby" not in subscribers:
        subscribers["lobby"] = []  # expect: FGL009
    return {"rooms": sorted(subscribers)}


@app.post("/rooms/<room>/join")
def join(room):
    with _lock:
        subscribers.setdefault(room, []).append(request.form["who"])
    return "ok"
