from collections import Counter

from flask import Flask

app = Flask(__name__)
status_counts = Counter()


@app.after_request
def count_status(response):
    status_counts[response.status_code] += 1  # expect: FGL002
    return response


@app.route("/stats")
def stats():
    return {str(code): n for code, n in status_counts.items()}
