"""State: what is shared, which lock protects each write (``resolve``), and the result rules read (``model``)."""
