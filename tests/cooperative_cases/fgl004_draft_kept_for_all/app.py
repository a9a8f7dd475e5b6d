# Neighbour of clean_chat_log_broadcast: the draft is sent back to its author only, yet kept where
# every other client's request reads it.
from flask import Flask
from flask_socketio import SocketIO, emit

app = Flask(__name__)
socketio = SocketIO(app)
DRAFTS = []


@socketio.on("draft")
def draft(data):
    DRAFTS.append(data)  # expect: FGL004
    emit("saved", data)


@socketio.on("drafts")
def drafts():
    emit("drafts", DRAFTS, broadcast=False)
