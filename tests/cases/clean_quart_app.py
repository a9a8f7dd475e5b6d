from quart import Quart, request

app = Quart(__name__)
connections = set()


@app.route("/join", methods=["POST"])
async def join():
    connections.add((await request.form)["name"])
    return "ok"
