# The new id is computed from the list before the lock is taken: two requests compute the
# same id, and both append under the lock.
import threading

from flask import Flask, request

app = Flask(__name__)
pets = []
pets_lock = threading.Lock()


class Store:
    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def add(self, name):
        item = {"id": len(self.items) + 1, "name": name}
        with self.lock:
            self.items.append(item)  # expect: FGL005
        return item


store = Store()


@app.post("/pets")
def add_pet():
    pet = {"id": len(pets) + 1, "name": request.form["name"]}
    with pets_lock:
        pets.append(pet)  # expect: FGL005
    return pet


@app.post("/items")
def add_item():
    return store.add(request.form["name"])
