from flask import Flask

app = Flask(__name__)


class Stats:
    def __init__(self):
        self.requests = 0
        self.started_at = None


stats = Stats()


@app.before_request
def count_request():
    stats.requests += 1  # expect: FGL003


@app.route("/stats")
def show_stats():
    return {"requests": stats.requests}
