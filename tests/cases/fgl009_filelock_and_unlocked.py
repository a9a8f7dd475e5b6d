import filelock
from flask import Flask

app = Flask(__name__)
uploads = []


@app.post("/uploads")
def add_upload():
    with filelock.FileLock("/tmp/uploads.lock"):
        uploads.append("file")
    return {"count": len(uploads)}


@app.delete("/uploads")
def clear_uploads():
    uploads.clear()  # expect: FGL009
    return "", 204
