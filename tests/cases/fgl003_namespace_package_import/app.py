# ``stock_models/`` has no ``__init__.py``: a namespace package, imported as Python
# imports it.  The shared manager's method still runs at request time.
from flask import Flask

from stock_models.stock_manager import StockManager

app = Flask(__name__)
stock = StockManager()


@app.post("/stock/<sku>/take")
def take(sku):
    stock.take(sku)
    return "ok"
