from flask import Flask

app = Flask(__name__)
request_count = 0


@app.before_request
def count_request():
    global request_count
    request_count += 1  # expect: FGL001


@app.route("/health")
def health():
    return {"requests": request_count}
