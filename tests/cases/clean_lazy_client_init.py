import requests
from flask import Flask

app = Flask(__name__)
_billing = None


def billing_client():
    global _billing
    if _billing is None:
        _billing = requests.Session()
    return _billing


@app.route("/invoices/<int:invoice_id>")
def invoice(invoice_id):
    resp = billing_client().get(f"https://billing.internal/invoices/{invoice_id}", timeout=5)
    return resp.json()
