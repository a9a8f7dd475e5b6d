"""The project's own route decorator, named by its dotted path in entry-point-decorators."""
import functools


def endpoint(path):
    def register(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)
        return wrapper
    return register
