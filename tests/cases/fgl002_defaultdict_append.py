import collections
import time

from flask import Flask, request

app = Flask(__name__)
login_attempts = collections.defaultdict(list)


@app.post("/login")
def login():
    login_attempts[request.remote_addr].append(time.monotonic())  # expect: FGL002
    if len(login_attempts[request.remote_addr]) > 5:
        return {"error": "too many attempts"}, 429
    return {"ok": True}
