CHANNELS = {}


def channel(name):
    def register(send):
        CHANNELS[name] = send
        return send

    return register
