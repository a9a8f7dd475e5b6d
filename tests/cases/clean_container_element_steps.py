# Objects held in a registry by key, changed by steps of a protocol (the host moves to the next
# round, a plain store), a count bumped under the game's own lock, and a game made per request
# that no container holds: no count that many clients bump and test unprotected.
import threading

from flask import Flask, request

app = Flask(__name__)
games = {}
registry_lock = threading.Lock()


class Game:
    def __init__(self, players):
        self.players = players
        self.answers = 0
        self.round = 0
        self.question = ""
        self.lock = threading.Lock()

    def next_round(self, question):
        self.round += 1
        self.question = question

    def submit(self):
        with self.lock:
            self.answers += 1
            if self.answers == self.players:
                return "all in"
        return "waiting"

    def bump(self):
        self.answers += 1
        return self.answers == self.players


@app.post("/games/<code>")
def create(code):
    with registry_lock:
        games[code] = Game(int(request.form["players"]))
    return code


@app.post("/games/<code>/next")
def next_round(code):
    games[code].next_round(request.form["question"])
    return "ok"


@app.post("/games/<code>/answer")
def answer(code):
    return games[code].submit()


@app.post("/practice")
def practice():
    game = Game(1)
    return str(game.bump())
