import time

from flask import Blueprint

from .store import EVENTS

checkout = Blueprint("checkout", __name__)


@checkout.post("/checkout")
def complete_checkout():
    EVENTS.append({"type": "checkout", "at": time.time()})  # expect: FGL002
    return {"events": len(EVENTS)}, 201
