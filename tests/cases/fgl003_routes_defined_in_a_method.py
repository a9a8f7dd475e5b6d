# Routes declared inside a method of a long-lived object: every request runs the closure made once,
# over the one instance it captured.
from flask import Flask, request


class Server:
    def __init__(self):
        self.app = Flask(__name__)
        self.last_query = None
        self.hits = 0
        self.define_routes()

    def define_routes(self):
        @self.app.route("/search")
        def search():
            self.last_query = request.args["q"]  # expect: FGL003
            self.hits += 1  # expect: FGL003
            return "ok"


server = Server()
app = server.app
