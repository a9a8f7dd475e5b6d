import asyncio
import threading

from flask import Flask

app = Flask(__name__)
stock = {"tickets": 100}
stock_lock = threading.Lock()


async def authorize_payment():
    await asyncio.sleep(0.05)


@app.post("/tickets/buy")
async def buy_ticket():
    await authorize_payment()
    with stock_lock:
        if stock["tickets"] <= 0:
            return {"error": "sold out"}, 410
        stock["tickets"] -= 1
        left = stock["tickets"]
    return {"left": left}
