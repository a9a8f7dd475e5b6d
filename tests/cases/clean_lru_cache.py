import functools

from flask import Flask

app = Flask(__name__)
RATES = {"EUR": 1.0, "USD": 1.08, "GBP": 0.86}


@functools.lru_cache(maxsize=128)
def conversion_rate(source, target):
    return RATES[target] / RATES[source]


@app.route("/convert/<source>/<target>/<float:amount>")
def convert(source, target, amount):
    return {"amount": round(amount * conversion_rate(source, target), 2)}
