# The filtered list is the view's own list: appending to it or sorting it changes nothing
# shared, and building new dicts from the shared elements copies them.
from flask import Flask

app = Flask(__name__)
tasks = [{"id": 1, "title": "milk", "done": False}]


@app.get("/tasks/open")
def open_tasks():
    todo = [t for t in tasks if not t["done"]]
    todo.append({"id": 0, "title": "(end)", "done": False})
    todo.sort(key=lambda t: t["id"])
    summary = [dict(t) for t in tasks]
    summary[0]["title"] = "first"
    return {"todo": todo, "summary": summary}
