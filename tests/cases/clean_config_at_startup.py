import os

from flask import Flask

app = Flask(__name__)
app.config["UPLOAD_DIR"] = os.environ.get("UPLOAD_DIR", "/tmp/uploads")
app.config.from_prefixed_env()
app.secret_key = os.environ.get("SECRET_KEY", "dev")


@app.route("/upload-dir")
def upload_dir():
    return {"dir": app.config["UPLOAD_DIR"]}
