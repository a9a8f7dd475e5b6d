# A request tests a flag, then starts the work that sets it: two requests can both pass the test
# before the work runs, and start the work twice.  Reported once, at the work's first store of a
# tested state.
import threading

from flask import Flask

app = Flask(__name__)
RUNNING = False
LAST = None


def work(n):
    global RUNNING, LAST
    RUNNING = True  # expect: FGL001
    LAST = n  # expect: FGL001
    RUNNING = False


@app.post("/jobs/<int:n>")
def start(n):
    if not RUNNING and LAST != n:
        threading.Thread(target=work, args=(n,)).start()
        return "started"
    return "busy", 409
