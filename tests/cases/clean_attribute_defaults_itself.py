# `x = x or []` keeps the value or sets a constant default: a lazy initialisation written inline.
from flask import Flask

app = Flask(__name__)


class Settings:
    columns = None


SETTINGS = Settings()
labels = None


@app.route("/columns")
def columns():
    global labels
    SETTINGS.columns = SETTINGS.columns or []
    labels = labels or ()
    return str(SETTINGS.columns)
