# An object stored on the app in the factory is one per process; its methods change it for
# every request (``current_app.game`` is that object).
from flask import Flask, current_app


class Game:
    def __init__(self):
        self.moves = 0
        self.players = []

    def move(self, player):
        self.moves += 1  # expect: FGL003

    def join(self, player):
        self.players.append(player)  # expect: FGL003


def create_app():
    app = Flask(__name__)
    app.game = Game()

    @app.route("/move/<player>")
    def move(player):
        current_app.game.move(player)
        return "ok"

    @app.route("/join/<player>")
    def join(player):
        app.game.join(player)
        return "ok"

    return app
