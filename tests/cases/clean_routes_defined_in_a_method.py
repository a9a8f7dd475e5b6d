# A route declared inside a method that reads the captured instance and keeps per-request data in
# locals, and changes the instance's counter under the instance's lock.
import threading

from flask import Flask, request


class Server:
    def __init__(self):
        self.app = Flask(__name__)
        self.prefix = "> "
        self.hits = 0
        self._lock = threading.Lock()
        self.define_routes()

    def define_routes(self):
        @self.app.route("/echo")
        def echo():
            text = self.prefix + request.args["q"]
            with self._lock:
                self.hits += 1
            return text


server = Server()
app = server.app
