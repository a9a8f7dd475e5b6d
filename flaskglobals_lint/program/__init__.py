"""The program: ``symbols`` (names across modules) and ``callgraph`` (what runs at request time)."""
