class Ledger:
    def __init__(self):
        self.lines = []

    def add(self, item):
        self.lines.append(item)
