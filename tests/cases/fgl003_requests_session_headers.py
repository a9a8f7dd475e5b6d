import requests
from flask import Flask, request

app = Flask(__name__)
github = requests.Session()
github.headers["Accept"] = "application/vnd.github+json"


@app.route("/repos")
def repos():
    github.headers["Authorization"] = f"Bearer {request.headers['X-GitHub-Token']}"  # expect: FGL003 FGL004
    return {"repos": github.get("https://api.github.com/user/repos", timeout=10).json()}
