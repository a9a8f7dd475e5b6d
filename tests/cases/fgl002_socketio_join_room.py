from flask import Flask
from flask_socketio import SocketIO, join_room

app = Flask(__name__)
socketio = SocketIO(app)
room_members = {}


@socketio.on("join")
def on_join(data):
    join_room(data["room"])
    room_members.setdefault(data["room"], []).append(data["nickname"])  # expect: FGL002 FGL004


@app.route("/rooms/<room>")
def members(room):
    return {"members": room_members.get(room, [])}
