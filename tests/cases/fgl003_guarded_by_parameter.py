# Code under a test of a parameter runs only for the callers that pass a value passing it:
# requests fire LOGIN and load without migrating, so only the unguarded write is theirs, and
# the one a request reaches by passing its constant.
from flask import Flask, request

app = Flask(__name__)


class Events:
    STARTUP = "startup"
    LOGIN = "login"
    LOGOUT = "logout"


class Manager:
    def __init__(self):
        self.started = False
        self.seen = []
        self.migrations = 0
        self.logouts = 0

    def fire(self, event, payload=None):
        if event == Events.STARTUP:
            self.started = True
        elif event == Events.LOGOUT:
            self.logouts += 1  # expect: FGL003
        self.seen.append(payload)  # expect: FGL003

    def load(self, migrate=False):
        if migrate:
            self.migrations += 1


manager = Manager()
manager.fire(Events.STARTUP)
manager.load(migrate=True)


@app.post("/login")
def login():
    manager.fire(Events.LOGIN, request.form["user"])
    manager.load()
    return "ok"


@app.post("/logout")
def logout():
    manager.fire(Events.LOGOUT)
    return "ok"
