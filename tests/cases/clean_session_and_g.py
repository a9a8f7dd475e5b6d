from flask import Flask, g, request, session

app = Flask(__name__)
app.secret_key = "dev"


@app.before_request
def load_cart():
    g.cart = session.get("cart", [])


@app.post("/cart/<int:item_id>")
def add_to_cart(item_id):
    g.cart.append(item_id)
    session["cart"] = g.cart
    session["last_added_from"] = request.referrer
    return {"items": len(g.cart)}
