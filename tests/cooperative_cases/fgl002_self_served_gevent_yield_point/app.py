# Self-served on gevent, but a network call sits between the read and the write: another
# greenlet runs there, and the update is lost.
import requests
from flask import Flask
from gevent.pywsgi import WSGIServer

app = Flask(__name__)
BALANCE = {"total": 0}


@app.post("/deposit")
def deposit():
    total = BALANCE["total"]
    fee = requests.get("http://127.0.0.1:9/fee", timeout=1).json()
    BALANCE["total"] = total + 100 - fee  # expect: FGL002
    return "ok"


if __name__ == "__main__":
    server = WSGIServer(("127.0.0.1", 8083), app)
    server.serve_forever()
