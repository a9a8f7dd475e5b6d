import asyncio

from flask import Flask

app = Flask(__name__)
wallets = {"alice": 500, "bob": 200}


async def charge_card(user, amount):
    await asyncio.sleep(0.05)


@app.post("/wallets/<user>/spend/<int:amount>")
async def spend(user, amount):
    balance = wallets[user]
    await charge_card(user, amount)
    wallets[user] = balance - amount  # expect: FGL010 FGL002 FGL004
    return {"balance": wallets[user]}
