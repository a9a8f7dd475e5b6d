import copy

from flask import Flask

app = Flask(__name__)
INVOICE_TEMPLATE = {"lines": [], "totals": {"net": 0, "tax": 0}}


@app.post("/invoices/draft/<int:amount>")
def draft_invoice(amount):
    invoice = copy.deepcopy(INVOICE_TEMPLATE)
    invoice["lines"].append({"description": "Consulting", "amount": amount})
    invoice["totals"]["net"] += amount
    return invoice
