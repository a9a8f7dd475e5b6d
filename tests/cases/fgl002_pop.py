from flask import Flask

app = Flask(__name__)
pending_orders = {"A-100": {"sku": "mug", "qty": 2}}


@app.post("/orders/<order_id>/ship")
def ship_order(order_id):
    order = pending_orders.pop(order_id, None)  # expect: FGL002
    if order is None:
        return {"error": "unknown order"}, 404
    return {"shipped": order_id, "qty": order["qty"]}
