from flask import Flask, request

app = Flask(__name__)


class Cart:
    def __init__(self):
        self.items = []
        self.total = 0

    def add(self, sku, price):
        self.items.append(sku)
        self.total += price


@app.post("/quote")
def quote():
    cart = Cart()
    for line in request.get_json()["lines"]:
        cart.add(line["sku"], line["price"])
    return {"items": cart.items, "total": cart.total}
