# The same namespace-package import, but each request makes its own ledger: nothing shared.
from flask import Flask

from ledger_models.ledger import Ledger

app = Flask(__name__)


@app.post("/ledger/<item>")
def add(item):
    ledger = Ledger()
    ledger.add(item)
    return {"lines": len(ledger.lines)}
