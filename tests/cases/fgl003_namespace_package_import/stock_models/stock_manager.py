class StockManager:
    def __init__(self):
        self.levels = {"mug": 10}

    def take(self, sku):
        self.levels[sku] = self.levels.get(sku, 0) - 1  # expect: FGL003
