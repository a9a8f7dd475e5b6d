import threading

from flask import Flask

app = Flask(__name__)
reserved = {}


@app.post("/cart/<int:item_id>")
def add_to_cart(item_id):
    lock = threading.RLock()
    with lock:  # expect: FGL008
        reserved[item_id] = reserved.get(item_id, 0) + 1  # expect: FGL002 FGL008
    return {"reserved": reserved[item_id]}
