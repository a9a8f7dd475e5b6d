from flask import Flask, request

app = Flask(__name__)


class Basket:
    items = []

    def add(self, item):
        self.items.append(item)  # expect: FGL002 FGL004


@app.post("/basket")
def basket():
    b = Basket()
    b.add(request.form["item"])
    return {"items": b.items}
