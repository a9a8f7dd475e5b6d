# The same app, but its Procfile serves it with gunicorn's threaded workers: the app's own
# gevent server is not what runs in production, so the lost update is reported.
from flask import Flask
from gevent.pywsgi import WSGIServer

app = Flask(__name__)
HITS = {"n": 0}


@app.post("/hit")
def hit():
    HITS["n"] = HITS["n"] + 1  # expect: FGL002
    return "", 204


if __name__ == "__main__":
    WSGIServer(("127.0.0.1", 8083), app).serve_forever()
