STATS = {"lookups": 0}


def lookup(name):
    STATS["lookups"] += 1  # expect: FGL002
    return {"name": name.title()}
