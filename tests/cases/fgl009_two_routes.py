import threading

from flask import Flask

app = Flask(__name__)
points = {}
points_lock = threading.Lock()


@app.post("/checkin/<user>")
def check_in(user):
    with points_lock:
        points[user] = points.get(user, 0) + 10
    return {"points": points[user]}


@app.post("/redeem/<user>")
def redeem(user):
    if points.get(user, 0) < 50:
        return {"error": "not enough points"}, 402
    points[user] = points.get(user, 0) - 50  # expect: FGL009 FGL002
    return {"points": points[user]}
