import secrets

from flask import Flask

app = Flask(__name__)
app.secret_key = "change-me"


@app.post("/admin/rotate-secret")
def rotate_secret():
    app.secret_key = secrets.token_hex(32)  # expect: FGL007
    return "", 204
