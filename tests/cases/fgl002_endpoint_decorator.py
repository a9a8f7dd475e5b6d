from flask import Flask

app = Flask(__name__)
QUEUE = []
app.add_url_rule("/jobs", endpoint="jobs")


@app.endpoint("jobs")
def jobs():
    QUEUE.pop()  # expect: FGL002
    return "ok"
