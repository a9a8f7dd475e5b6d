from flask import Flask

app = Flask(__name__)


class TokenBucket:
    def __init__(self, capacity):
        self.capacity = capacity
        self.tokens = capacity

    def take(self):
        if self.tokens <= 0:
            return False
        self.tokens -= 1  # expect[t]: FGL003
        return True


bucket = TokenBucket(capacity=100)


@app.route("/api/quote")
def quote():
    if not bucket.take():  # expect[t]: FGL003
        return {"error": "rate limited"}, 429
    return {"quote": "Simple is better than complex."}
