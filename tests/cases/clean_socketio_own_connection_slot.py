# Each Socket.IO client writes only the slot keyed by its own connection id.
from flask import Flask, request
from flask_socketio import SocketIO

app = Flask(__name__)
socketio = SocketIO(app)
USERS = {}
SCORES = {}


class Score:
    def __init__(self):
        self.likes = 0


@socketio.on("join")
def join(data):
    USERS[request.sid] = data["name"]
    SCORES[request.sid] = Score()


@socketio.on("like")
def like():
    score = SCORES[request.sid]
    score.likes += 1


@socketio.on("disconnect")
def leave():
    sid = request.sid
    if sid in USERS:
        USERS.pop(sid)
    del SCORES[sid]
