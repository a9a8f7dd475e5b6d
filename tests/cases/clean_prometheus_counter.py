from flask import Flask, request
from prometheus_client import Counter, Gauge

app = Flask(__name__)
REQUESTS = Counter("http_requests_total", "HTTP requests", ["endpoint"])
IN_FLIGHT = Gauge("http_requests_in_flight", "Requests being served")


@app.before_request
def start_request():
    IN_FLIGHT.inc()


@app.after_request
def finish_request(response):
    REQUESTS.labels(endpoint=request.endpoint or "unknown").inc()
    IN_FLIGHT.dec()
    return response
