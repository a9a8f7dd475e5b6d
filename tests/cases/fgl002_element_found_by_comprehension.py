# The task found by a filtering comprehension (or next() over a generator) is the shared
# list's own element: updating it field by field races with every other update.  One
# finding per updated element: the later fields are part of the first one's torn update.
from flask import Flask, request

app = Flask(__name__)
tasks = [{"id": 1, "title": "milk", "done": False}]


@app.put("/tasks/<int:task_id>")
def update_task(task_id):
    task = [t for t in tasks if t["id"] == task_id]
    if not task:
        return {"error": "not found"}, 404
    task[0]["title"] = request.json.get("title", task[0]["title"])  # expect: FGL002
    task[0]["done"] = request.json.get("done", task[0]["done"])
    return task[0]


@app.post("/tasks/<int:task_id>/done")
def finish(task_id):
    task = next((t for t in tasks if t["id"] == task_id), None)
    if task is None:
        return {"error": "not found"}, 404
    task["done"] = True  # expect: FGL002
    return task
