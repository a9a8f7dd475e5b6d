# The started work only touches its own arguments, or shared state under the module's lock.
import threading

from flask import Flask, request

app = Flask(__name__)
_lock = threading.Lock()
done = []


def report(job, out):
    out.append(job)
    with _lock:
        done.append(job)


@app.post("/jobs")
def jobs():
    out = []
    worker = threading.Thread(target=report, args=(request.form["job"], out))
    worker.start()
    worker.join()
    return {"out": out}
