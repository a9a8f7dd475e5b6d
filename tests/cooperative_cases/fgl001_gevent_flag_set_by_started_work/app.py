# On gevent workers a request that tests a flag and then starts the work that sets it: the start
# is a switch point, and another request can pass the same test before the work runs, so the game
# starts twice.  A flag the request sets itself before the start cannot interleave.
import threading

from flask import Flask

app = Flask(__name__)
GAME = None
INTRO = False
SYNCING = False


def play(rounds):
    global GAME, INTRO
    INTRO = True  # expect: FGL001
    GAME = {"rounds": rounds}
    INTRO = False


def sync():
    global SYNCING
    SYNCING = False


@app.post("/games")
def create():
    if not INTRO and GAME is None:
        threading.Thread(target=play, args=(3,)).start()
        return "starting"
    return "busy", 409


@app.post("/sync")
def start_sync():
    global SYNCING
    if not SYNCING:
        SYNCING = True
        threading.Thread(target=sync).start()
    return "ok"
