"""random.seed per request (fixed): each request draws from a generator of its own."""
import random
import time

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/deal")
def deal():
    seed = int(request.args["seed"])
    rng = random.Random(seed)
    deck = list(range(52))
    time.sleep(0.01)  # the same work as in the buggy app
    rng.shuffle(deck)
    return jsonify(seed=seed, hand=deck[:5])
