from filelock import SoftFileLock
from flask import Flask

app = Flask(__name__)
thumbnails = {}
render_slot = SoftFileLock("/var/run/myapp/thumbnails.lock")


@app.post("/thumbnails/<int:image_id>")
def render_thumbnail(image_id):
    render_slot.acquire()
    try:
        thumbnails[image_id] = f"/static/thumbs/{image_id}.png"
    finally:
        render_slot.release()
    return {"url": thumbnails[image_id]}
