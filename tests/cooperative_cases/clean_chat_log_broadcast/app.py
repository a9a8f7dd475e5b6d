# A chat room: each message is sent to every connected client by the handler that stores it, so
# keeping it in the shared log leaks nothing.  One gevent worker: the appends cannot interleave.
from flask import Flask
from flask_socketio import SocketIO, emit

app = Flask(__name__)
socketio = SocketIO(app)
CHATLOG = []
HISTORY = []


@socketio.on("say")
def say(data):
    CHATLOG.append(data)
    emit("chat_log", CHATLOG, broadcast=True)


@socketio.on("message")
def message(msg):
    HISTORY.append(msg)
    emit("message", msg, broadcast=True)
