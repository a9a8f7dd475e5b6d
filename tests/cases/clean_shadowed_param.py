from flask import Flask

app = Flask(__name__)
tags = ["python", "flask"]


def normalize(tags):
    tags.sort()
    tags.append("all")
    return tags


@app.route("/posts/<int:post_id>/tags")
def post_tags(post_id):
    return {"post": post_id, "tags": normalize(["web", "api"])}


@app.route("/tags")
def all_tags():
    return {"tags": tags}
