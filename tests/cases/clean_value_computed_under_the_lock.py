# The id is computed inside the locked block, and a value computed outside from other state
# does not read the list: nothing stale is stored.
import itertools
import threading

from flask import Flask, request

app = Flask(__name__)
pets = []
pets_lock = threading.Lock()
names = {"default": "rex"}


@app.post("/pets")
def add_pet():
    name = request.form.get("name") or names["default"]
    with pets_lock:
        pet = {"id": len(pets) + 1, "name": name}
        pets.append(pet)
    return pet


counter = itertools.count(1)


@app.post("/pets/quick")
def add_quick():
    label = f"pet-{len(names)}"
    with pets_lock:
        pets.append({"id": next(counter), "label": label})
    return "", 201
