# The app factory runs Socket.IO on gevent (``init_app(..., async_mode="gevent")``): each
# handler runs as a greenlet that switches only where it blocks, and this read-modify-write
# has no call in between that could.
from flask import Flask
from flask_socketio import SocketIO

socketio = SocketIO()
SCORES = {}


def create_app():
    app = Flask(__name__)
    socketio.init_app(app, async_mode="gevent")
    return app


@socketio.on("score")
def score(data):
    SCORES[data["team"]] = SCORES.get(data["team"], 0) + 1
