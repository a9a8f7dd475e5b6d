import threading

from flask import Flask

app = Flask(__name__)
SEATS = {}
seats_lock = threading.Lock()
admin_lock = threading.Lock()


@app.post("/book/<seat>")
def book(seat):
    with seats_lock:
        SEATS[seat] = "taken"
    return "ok"


@app.post("/cancel/<seat>")
def cancel(seat):
    with seats_lock:
        SEATS.pop(seat, None)
    return "ok"


@app.post("/admin/reset")
def reset():
    with admin_lock:
        SEATS.clear()  # expect: FGL009
    return "ok"
