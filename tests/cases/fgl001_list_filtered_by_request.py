# Neighbour of clean_config_list_filtered_in_place: the filter is chosen by the request, so two
# racing removals each store a list that still holds what the other removed.
from flask import Flask, request

app = Flask(__name__)
BLOCKED = ["a", "b", "c"]


@app.post("/unblock")
def unblock():
    global BLOCKED
    name = request.form["name"]
    BLOCKED = [b for b in BLOCKED if b != name]  # expect: FGL001
    return {"blocked": BLOCKED}
