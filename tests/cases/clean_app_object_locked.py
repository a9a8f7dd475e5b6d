# The object on the app guards itself with its own lock, and the per-request one lives on g.
import threading

from flask import Flask, current_app, g


class Game:
    def __init__(self):
        self.moves = 0
        self._lock = threading.Lock()

    def move(self, player):
        with self._lock:
            self.moves += 1


class Draft:
    def __init__(self):
        self.lines = []

    def add(self, line):
        self.lines.append(line)


def create_app():
    app = Flask(__name__)
    app.game = Game()

    @app.route("/move/<player>")
    def move(player):
        current_app.game.move(player)
        g.draft = Draft()
        g.draft.add(player)
        return "ok"

    return app
