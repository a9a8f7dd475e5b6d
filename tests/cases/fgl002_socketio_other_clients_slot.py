# The neighbour of clean_socketio_own_connection_slot: a slot chosen by the payload
# belongs to another client, and a room list is shared by every client.
from flask import Flask, request
from flask_socketio import SocketIO

app = Flask(__name__)
socketio = SocketIO(app)
USERS = {}
ROOM = []


@socketio.on("rename")
def rename(data):
    USERS[data["sid"]] = data["name"]  # expect: FGL002


@socketio.on("enter")
def enter():
    ROOM.append(request.sid)  # expect: FGL002
