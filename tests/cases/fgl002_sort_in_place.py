from flask import Flask

app = Flask(__name__)
LEADERBOARD = [
    {"player": "ana", "score": 120},
    {"player": "bo", "score": 95},
]


@app.route("/leaderboard")
def leaderboard():
    LEADERBOARD.sort(key=lambda row: row["score"], reverse=True)  # expect: FGL002
    return {"top": LEADERBOARD[:10]}
