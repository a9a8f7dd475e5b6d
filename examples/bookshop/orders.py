import threading

from flask import Blueprint, current_app, request

from .catalog import BOOKS

orders = Blueprint("orders", __name__)
order_lock = threading.Lock()
next_order_id = 1


@orders.post("/orders/<slug>")
def place_order(slug: str):
    global next_order_id
    if BOOKS.get(slug, 0) < 1:
        return {"error": "sold out"}, 409
    with order_lock:
        BOOKS[slug] -= 1
        order_id = next_order_id
        next_order_id += 1
    return {"order": order_id}, 201


@orders.post("/admin/currency")
def set_currency():
    current_app.config["CURRENCY"] = request.form["currency"]
    return "", 204
