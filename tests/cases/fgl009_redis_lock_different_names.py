import redis
from flask import Flask

app = Flask(__name__)
r = redis.Redis()
stock = {}


@app.post("/stock/<sku>/reserve")
def reserve(sku):
    with r.lock("stock"):
        stock[sku] = stock.get(sku, 0) - 1  # expect[names]: FGL009
    return {"left": stock[sku]}


@app.post("/stock/<sku>/restock")
def restock(sku):
    with r.lock("restock"):
        stock[sku] = stock.get(sku, 0) + 10  # expect[names]: FGL009
    return {"left": stock[sku]}
