import threading

from flask import Flask

app = Flask(__name__)
inventory = {"widget": 40}
inventory_lock = threading.Lock()


def restock(sku, qty):
    inventory[sku] = inventory.get(sku, 0) + qty  # expect[r]: FGL009 FGL002


@app.post("/orders/<sku>")
def place_order(sku):
    with inventory_lock:
        if inventory.get(sku, 0) < 1:
            return {"error": "out of stock"}, 409
        inventory[sku] -= 1
    return {"ordered": sku}, 201


@app.post("/returns/<sku>")
def process_return(sku):
    restock(sku, 1)  # expect[r]: FGL009 FGL002
    return {"returned": sku}
