from flask import Flask

app = Flask(__name__)
thumbnail_cache = dict()


@app.route("/thumbnails/<name>")
def thumbnail(name):
    return thumbnail_cache.get(name, b"")


@app.post("/admin/thumbnails/purge")
def purge_thumbnails():
    thumbnail_cache.clear()  # expect: FGL002
    return "", 204
