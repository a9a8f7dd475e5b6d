"""random.seed per request (buggy): one request reseeds the generator every request draws from.

Each request asks for the deck its seed deals (a replayable game, a reproducible sample).  A
concurrent request reseeds the process-wide generator between this request's seed and its
shuffle, so it gets another request's deck.  Remedy: a generator of the request's own.
"""
import random
import time

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/deal")
def deal():
    seed = int(request.args["seed"])
    random.seed(seed)  # expect: FGL002
    deck = list(range(52))
    time.sleep(0.01)  # stands in for loading the game between the seed and the draw
    random.shuffle(deck)
    return jsonify(seed=seed, hand=deck[:5])
