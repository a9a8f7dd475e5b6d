try:
    from . import authors
except ImportError:
    authors = None
