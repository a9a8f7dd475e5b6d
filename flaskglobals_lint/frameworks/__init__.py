"""Framework knowledge, one module per framework: ``flask`` (and its ecosystem), ``stdlib``.

The engine asks these modules what a name means (an entry point, a
context-local, a lock, a container); it holds no such names itself.
"""
