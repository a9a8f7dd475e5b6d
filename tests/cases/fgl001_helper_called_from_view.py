from flask import Flask

app = Flask(__name__)
_last_invoice_number = 1000


def next_invoice_number():
    global _last_invoice_number
    _last_invoice_number += 1  # expect[n]: FGL001
    return _last_invoice_number


@app.post("/invoices")
def create_invoice():
    number = next_invoice_number()  # expect[n]: FGL001
    return {"number": number}, 201
