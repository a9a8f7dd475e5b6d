from flask import Flask
from flask_sock import Sock

app = Flask(__name__)
sock = Sock(app)
connected = []


@sock.route("/echo")
def echo(ws):
    connected.append(ws)  # expect: FGL002 FGL004
    while True:
        ws.send(ws.receive())
