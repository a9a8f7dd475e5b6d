# Lazy initialisation guarded by hasattr: racing requests build the same helper and one
# assignment wins; nothing is changed in place afterwards.
import functools

from flask import Flask

app = Flask(__name__)


class Model:
    @classmethod
    def property_names(cls):
        if not hasattr(cls, "_cached_names"):
            @functools.cache
            def names():
                return frozenset(n for n in dir(cls) if not n.startswith("_"))

            cls._cached_names = names
        return cls._cached_names()


@app.get("/fields")
def fields():
    return {"fields": sorted(Model.property_names())}
