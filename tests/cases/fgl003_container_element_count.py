# A registry of games by code: every player of one game bumps its answer count and tests it
# against the number of players, which every join bumps.  Two answers (or joins) at once can lose
# an increment, and the round never ends.
from flask import Flask, request

app = Flask(__name__)
games = {}


class Game:
    def __init__(self, players):
        self.players = players
        self.answers = 0
        self.round = 0

    def join(self):
        self.players += 1  # expect: FGL003

    def submit(self):
        self.answers += 1  # expect: FGL003
        if self.answers == self.players:
            return "all in"
        return "waiting"


@app.post("/games/<code>")
def create(code):
    games[code] = Game(int(request.form["players"]))  # expect: FGL002
    return code


@app.post("/games/<code>/join")
def join(code):
    games[code].join()
    return "joined"


@app.post("/games/<code>/answer")
def answer(code):
    return games[code].submit()


@app.post("/games/<code>/answer-again")
def answer_again(code):
    game = games.get(code)
    return game.submit()
