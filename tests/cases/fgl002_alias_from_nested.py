from flask import Flask

app = Flask(__name__)
STATE = {"rooms": {"lobby": []}, "version": 1}


@app.post("/rooms/<name>")
def create_room(name):
    rooms = STATE["rooms"]
    if name in rooms:
        return {"error": "room exists"}, 409
    rooms[name] = []  # expect: FGL002
    return {"rooms": sorted(rooms)}, 201
