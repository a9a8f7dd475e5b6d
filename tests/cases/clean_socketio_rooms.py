from flask import Flask, session
from flask_socketio import SocketIO, emit, join_room

app = Flask(__name__)
app.secret_key = "dev"
socketio = SocketIO(app)


@socketio.on("join")
def on_join(data):
    room = data["room"]
    join_room(room)
    session["room"] = room
    emit("joined", {"room": room, "nickname": data["nickname"]}, to=room)
