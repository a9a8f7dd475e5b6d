# The test and the flag are one locked block in the request, and the work clears the flag under
# the same lock: only one request starts the work.
import threading

from flask import Flask

app = Flask(__name__)
RUNNING = False
lock = threading.Lock()


def work():
    global RUNNING
    with lock:
        RUNNING = False


@app.post("/jobs")
def start():
    global RUNNING
    with lock:
        if RUNNING:
            return "busy", 409
        RUNNING = True
    threading.Thread(target=work).start()
    return "started"
