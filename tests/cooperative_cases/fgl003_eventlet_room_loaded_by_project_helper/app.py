# On eventlet workers a project helper that reads a file between the miss and the store
# is a yield point: two joins of a new room each load one, and the second replaces the
# first with the players who joined it.
import uuid

from flask import Flask
from flask_socketio import SocketIO

app = Flask(__name__)
socketio = SocketIO(app)


class Room:
    def __init__(self, code, title):
        self.code = code
        self.title = title
        self.players = []

    def add(self, name):
        self.players.append(name)


def load_room(code):
    with open(f"/srv/rooms/{code}.txt", encoding="utf-8") as f:
        return Room(code, f.read())


class RoomManager:
    def __init__(self):
        self.rooms = {}

    def get(self, code):
        room = self.rooms.get(code)
        if room is None:
            room = load_room(code)
            self.rooms[code] = room  # expect: FGL003
        return room

    def create(self):
        code = uuid.uuid4().hex
        self.rooms[code] = Room(code, "new room")
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
