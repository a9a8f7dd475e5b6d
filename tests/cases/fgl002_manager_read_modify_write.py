import multiprocessing

from flask import Flask

app = Flask(__name__)
manager = multiprocessing.Manager()
exports_today = manager.dict()


@app.post("/exports/<user>")
def export(user):
    used = exports_today.get(user, 0)
    if used >= 3:
        return {"error": "daily export limit reached"}, 429
    exports_today[user] = used + 1  # expect: FGL002
    return {"remaining": 2 - used}, 202
