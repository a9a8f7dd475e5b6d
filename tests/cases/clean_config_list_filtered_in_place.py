# One statement keeps the valid entries of a configured list, by a rule no request chooses: racing
# requests compute and store the same list, and filtering it again changes nothing.
import json

from flask import Flask

app = Flask(__name__)
SHARED_STORAGE = json.load(open("storage.json"))


def valid(entry):
    return isinstance(entry, dict) and "name" in entry


@app.get("/storage")
def storage():
    global SHARED_STORAGE
    SHARED_STORAGE = [s for s in SHARED_STORAGE if valid(s)]
    return {"names": [s["name"] for s in SHARED_STORAGE]}
