# The registry holds Game objects made at startup, but this view makes its own Game: an
# object of the same class is not the shared one.  Reading the shared one changes nothing.
from flask import Flask

app = Flask(__name__)
games = {}


class Game:
    def __init__(self, host):
        self.host = host
        self.responses = 0

    def submit_answer(self):
        self.responses += 1
        return self.responses

    def summary(self):
        return {"host": self.host, "responses": self.responses}


def load_demo_games():
    games["demo"] = Game("demo")


load_demo_games()


@app.post("/practice")
def practice():
    game = Game("me")
    game.submit_answer()
    return game.summary()


@app.get("/games/<code>")
def show(code):
    return games[code].summary()
