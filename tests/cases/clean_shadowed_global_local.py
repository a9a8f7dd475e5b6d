from flask import Flask

app = Flask(__name__)
totals = {"orders": 0}
ORDERS = [("paid", 30), ("refunded", 5), ("paid", 12)]


@app.route("/report")
def report():
    totals = {}
    for status, amount in ORDERS:
        totals.setdefault(status, 0)
        totals[status] += amount
    return totals
