# A set that records which locales were already registered: the work is the same for every
# request, and the member is the key that was tested, so racing requests only repeat it.
from flask import Flask

app = Flask(__name__)
_REGISTERED = set()


def locale_of_app():
    return app.config.get("LOCALE", "en")


def register_locale(locale):
    name = "short_" + locale.replace("-", "_")
    if name in _REGISTERED:
        return name
    app.logger.info("registering %s", name)
    _REGISTERED.add(name)
    return name


@app.get("/when")
def when():
    return register_locale(locale_of_app())
