# The app serves itself with gevent's WSGI server and no deployment file names another: requests
# run as greenlets and switch only at I/O, so a check-then-set or a read-modify-write with no I/O
# in between cannot interleave.
from flask import Flask
from gevent.pywsgi import WSGIServer

app = Flask(__name__)
PROVIDERS = [{"id": 1, "client_id": "", "active": 0}]
HITS = {"n": 0}


def load_settings():
    return {"client_id": "abc"}


@app.post("/admin/oauth")
def save_oauth():
    settings = load_settings()
    for provider in PROVIDERS:
        if settings["client_id"] != provider["client_id"]:
            provider["client_id"] = settings["client_id"]
        provider["active"] = 1
    HITS["n"] = HITS["n"] + 1
    return "", 204


def main():
    WSGIServer(("127.0.0.1", 8083), app).serve_forever()


if __name__ == "__main__":
    main()
