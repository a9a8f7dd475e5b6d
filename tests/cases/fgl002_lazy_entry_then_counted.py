# The lazily created namespace and the counter inside it are two problems: the creation can
# replace a namespace another request just filled, and the increment loses updates even when
# the namespace already exists.  The first fill of a new counter is part of the creation.
from flask import Flask, request

app = Flask(__name__)
bans = {}


@app.post("/report")
def report():
    ip = request.remote_addr
    if "banned" not in bans:
        bans["banned"] = {}  # expect: FGL002
    if ip not in bans["banned"]:
        bans["banned"][ip] = 0
    else:
        bans["banned"][ip] += 1  # expect: FGL002
    return "", 204
