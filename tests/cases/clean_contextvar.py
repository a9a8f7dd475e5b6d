import uuid
from contextvars import ContextVar

from flask import Flask, request

app = Flask(__name__)
request_id: ContextVar[str] = ContextVar("request_id", default="-")


@app.before_request
def assign_request_id():
    request_id.set(request.headers.get("X-Request-ID") or uuid.uuid4().hex)


@app.after_request
def echo_request_id(response):
    response.headers["X-Request-ID"] = request_id.get()
    return response
