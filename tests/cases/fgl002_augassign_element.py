from flask import Flask

app = Flask(__name__)
VOTES = {"tabs": 0, "spaces": 0}


@app.post("/vote/<choice>")
def vote(choice):
    if choice not in VOTES:
        return {"error": "unknown choice"}, 400
    VOTES[choice] += 1  # expect: FGL002
    return {"votes": VOTES[choice]}
