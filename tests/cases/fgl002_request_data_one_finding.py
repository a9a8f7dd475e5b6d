# One finding per write: the container race reports it, and says it stores request data.
from flask import Flask, request

app = Flask(__name__)
EVENTS = []


@app.post("/events")
def record():
    EVENTS.append(request.json)  # expect: FGL002
    return "", 204
