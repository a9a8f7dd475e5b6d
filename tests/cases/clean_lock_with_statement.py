import threading

from flask import Flask

app = Flask(__name__)
carts = {}
carts_lock = threading.RLock()


@app.post("/carts/<cart_id>/items/<int:item_id>")
def add_item(cart_id, item_id):
    with carts_lock:
        carts.setdefault(cart_id, []).append(item_id)
        count = len(carts[cart_id])
    return {"items": count}


@app.delete("/carts/<cart_id>")
def clear_cart(cart_id):
    with carts_lock:
        carts.pop(cart_id, None)
    return "", 204
