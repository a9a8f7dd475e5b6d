"""Statistics kept in process memory."""


class Stats:
    def __init__(self) -> None:
        self.views = 0
        self.last_search = ""

    def seen(self, query: str) -> None:
        self.views += 1
        self.last_search = query


stats = Stats()
RECENTLY_VIEWED: list[str] = []
