import threading

from flask import Flask, request

app = Flask(__name__)
slot_owner = {}
slots_lock = threading.Lock()


@app.post("/slots/<slot>")
def reserve_slot(slot):
    if slot_owner.get(slot):
        return {"error": "slot taken"}, 409
    with slots_lock:
        slot_owner[slot] = request.form["email"]  # expect: FGL005 FGL004
    return {"slot": slot}, 201
