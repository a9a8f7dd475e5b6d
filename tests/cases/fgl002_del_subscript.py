from flask import Flask

app = Flask(__name__)
API_TOKENS = {"a1b2c3": "alice", "d4e5f6": "bob"}


@app.delete("/tokens/<token>")
def revoke_token(token):
    if token not in API_TOKENS:
        return {"error": "unknown token"}, 404
    del API_TOKENS[token]  # expect: FGL002
    return "", 204
