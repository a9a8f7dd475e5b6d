import requests
from flask import Flask, request

app = Flask(__name__)
github = requests.Session()
github.headers["Accept"] = "application/vnd.github+json"


@app.route("/repos")
def repos():
    token = request.headers["X-GitHub-Token"]
    resp = github.get(
        "https://api.github.com/user/repos",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return {"repos": resp.json()}
