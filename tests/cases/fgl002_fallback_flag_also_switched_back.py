# Neighbour of clean_fallback_flag_on_failure: a request also switches the flag back on, so
# requests race to set two different values and readers act on whichever came last.
from flask import Flask

app = Flask(__name__)
SETTINGS = {"use_keyring": True}


class KeyringError(Exception):
    pass


def keyring_get(name):
    raise KeyringError(name)


@app.get("/secret/<name>")
def secret(name):
    if SETTINGS["use_keyring"]:
        try:
            return keyring_get(name)
        except KeyringError:
            SETTINGS["use_keyring"] = False  # expect: FGL002
    return "from the database"


@app.post("/keyring/retry")
def retry():
    SETTINGS["use_keyring"] = True  # expect: FGL002
    return "", 204
