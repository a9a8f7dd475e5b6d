# A process-wide fallback switch: when the OS keyring fails, the request turns it off for the
# process.  Every write stores the same value, and only on failure; readers see the feature on or
# off, as the code means, and other workers meet the failure themselves.
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
            SETTINGS["use_keyring"] = False
    return "from the database"
