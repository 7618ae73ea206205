"""Settings groups, one module per capability, mixed into ``app.config.Settings``.

Each module defines a ``BaseSettings`` subclass with its own fields and validators; ``Settings``
lists it among its bases, so every variable is still read once, from one object.
"""
