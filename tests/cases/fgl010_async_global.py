import asyncio

from flask import Flask

app = Flask(__name__)
rate_refreshes = 0


async def fetch_exchange_rate():
    await asyncio.sleep(0.1)
    return 1.08


@app.post("/rates/refresh")
async def refresh_rate():
    global rate_refreshes
    count = rate_refreshes
    rate = await fetch_exchange_rate()
    rate_refreshes = count + 1  # expect: FGL010 FGL001
    return {"rate": rate, "refreshes": rate_refreshes}
