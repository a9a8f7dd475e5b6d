SEEN = []


def record(kind):
    SEEN.append(kind)  # expect: FGL002
