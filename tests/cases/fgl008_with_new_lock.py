import threading

from flask import Flask

app = Flask(__name__)
page_views = {"home": 0}


@app.route("/")
def home():
    with threading.Lock():  # expect: FGL008
        page_views["home"] += 1  # expect: FGL002 FGL008
    return {"views": page_views["home"]}
