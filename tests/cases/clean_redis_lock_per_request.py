import redis
from flask import Flask

app = Flask(__name__)
client = redis.StrictRedis(host="localhost", port=6379)
invoices = {}


@app.post("/invoices/<int:invoice_id>/pay")
def pay_invoice(invoice_id):
    # One lock per request object, but one name on the server: requests still exclude each other.
    with client.lock("invoices"):
        invoices[invoice_id] = "paid"
    return {"state": "paid"}


@app.post("/invoices/<int:invoice_id>/void")
def void_invoice(invoice_id):
    conn = redis.from_url("redis://localhost:6379/0")
    lock = conn.lock(name="invoices", timeout=5)
    with lock:
        invoices[invoice_id] = "void"
    return {"state": "void"}
