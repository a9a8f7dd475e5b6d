"""Discovery: the sources to lint and the deployment files that say how the app runs.

``sources`` walks the paths and reads files safely, ``imports`` reads the
import graph from text, ``prepass`` picks the files that need the full
analysis, ``deployment`` finds the worker count.  Nothing here parses Python.
"""
