from flask import Flask
from flask_sock import Sock

app = Flask(__name__)
sock = Sock(app)


@sock.route("/echo")
def echo(ws):
    history = []
    while True:
        message = ws.receive()
        history.append(message)
        ws.send(f"{len(history)}: {message}")
