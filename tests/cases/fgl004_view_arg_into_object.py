from flask import Flask

app = Flask(__name__)


class SearchTracker:
    def __init__(self):
        self.last_query = ""


tracker = SearchTracker()


@app.route("/search/<query>")
def search(query):
    tracker.last_query = query  # expect: FGL003 FGL004
    return {"query": query, "results": []}
