from flask import Flask, request

app = Flask(__name__)
WEBHOOK_HANDLERS = {}


def on_event(name):
    def register(handler):
        WEBHOOK_HANDLERS[name] = handler
        return handler

    return register


@on_event("invoice.paid")
def invoice_paid(payload):
    return {"invoice": payload["id"], "status": "paid"}


@on_event("invoice.voided")
def invoice_voided(payload):
    return {"invoice": payload["id"], "status": "void"}


@app.post("/webhooks/billing")
def billing_webhook():
    event = request.get_json()
    handler = WEBHOOK_HANDLERS.get(event["type"])
    if handler is None:
        return {"ignored": event["type"]}
    return handler(event["data"])
