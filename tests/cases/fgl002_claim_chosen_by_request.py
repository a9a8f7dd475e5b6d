# Neighbour of clean_done_set_memo: the member comes from the request, and the test decides who
# gets it, so two requests for the same name both pass the test and both "win" it.
from flask import Flask, request

app = Flask(__name__)
TAKEN = set()


@app.post("/claim")
def claim():
    name = request.form["name"]
    if name in TAKEN:
        return "taken", 409
    TAKEN.add(name)  # expect: FGL002
    return "yours", 201
