from datetime import datetime, timezone

from flask import Flask

app = Flask(__name__)
STATE = {"visits": {}}


@app.route("/articles/<int:article_id>")
def article(article_id):
    STATE["visits"].setdefault(article_id, []).append(datetime.now(timezone.utc))  # expect: FGL002
    return {"article": article_id}
