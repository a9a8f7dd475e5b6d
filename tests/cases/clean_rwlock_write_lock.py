from flask import Flask
from readerwriterlock import rwlock

app = Flask(__name__)
prices = {}
prices_rw = rwlock.RWLockFair()


@app.get("/prices/<sku>")
def get_price(sku):
    with prices_rw.gen_rlock():
        price = prices.get(sku)
    return {"price": price}


@app.put("/prices/<sku>/<int:cents>")
def set_price(sku, cents):
    with prices_rw.gen_wlock():
        prices[sku] = cents
    return {"price": cents}


@app.delete("/prices/<sku>")
def delete_price(sku):
    writer = prices_rw.gen_wlock()
    writer.acquire()
    try:
        prices.pop(sku, None)
    finally:
        writer.release()
    return "", 204
