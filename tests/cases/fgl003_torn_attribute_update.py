# One method storing two attributes of a shared object in turn is one torn update: a reader
# can see the new map with the old time.  It is reported once, at the first store.
from flask import Flask

app = Flask(__name__)


class Settings:
    def __init__(self):
        self.values = {}
        self.mtime = 0

    def reload(self, values, mtime):
        self.values = values  # expect: FGL003
        self.mtime = mtime


settings = Settings()


@app.post("/reload")
def reload():
    settings.reload({"a": 1}, 2)
    return "ok"
