from flask import Flask

app = Flask(__name__)
bytes_sent = 0


@app.after_request
def track_bytes(response):
    global bytes_sent
    bytes_sent = bytes_sent + (response.content_length or 0)  # expect: FGL001
    return response
