# On eventlet workers a request switches only where it blocks.  Making a room with the
# project's own class runs no I/O, so the get-or-create cannot interleave with another join.
import uuid

from flask import Flask
from flask_socketio import SocketIO

app = Flask(__name__)
socketio = SocketIO(app)


class Room:
    def __init__(self, code):
        self.code = code.strip().upper()
        self.players = []

    def add(self, name):
        self.players.append(name)


class RoomManager:
    def __init__(self):
        self.rooms = {}

    def get(self, code):
        room = self.rooms.get(code)
        if room is None:
            room = Room(code)
            self.rooms[code] = room
        return room

    def create(self):
        code = uuid.uuid4().hex
        self.rooms[code] = Room(code)
        return code

    def close(self, code):
        self.rooms.pop(code, None)


rooms = RoomManager()


@socketio.on("join")
def join(data):
    room = rooms.get(data["code"])
    room.add(data["name"])


@socketio.on("create")
def create(data):
    return rooms.create()


@socketio.on("close")
def close(data):
    rooms.close(data["code"])
