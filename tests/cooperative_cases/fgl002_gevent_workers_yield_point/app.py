# On gevent workers a window that holds a yield point (here a network call between the
# read and the write) still lets another request run in between: lost updates.
import requests
from flask import Flask

app = Flask(__name__)
BALANCE = {"total": 0}


@app.post("/deposit")
def deposit():
    total = BALANCE["total"]
    fee = requests.get("http://127.0.0.1:9/fee", timeout=1).json()
    BALANCE["total"] = total + 100 - fee  # expect: FGL002
    return "ok"
