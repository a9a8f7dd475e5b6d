# Each settings class registers its first instance once: a racing second registration
# only keeps one of two equivalent objects.
from flask import Flask

app = Flask(__name__)
LOADED = {}


class Settings:
    key = "mail"

    def __init__(self):
        if self.key not in LOADED:
            LOADED[self.key] = self


@app.get("/settings")
def settings():
    Settings()
    return {"loaded": sorted(LOADED)}
