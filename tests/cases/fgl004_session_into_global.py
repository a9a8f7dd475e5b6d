from flask import Flask, session

app = Flask(__name__)
app.secret_key = "dev"
current_user_id = None


@app.before_request
def load_user():
    global current_user_id
    current_user_id = session.get("user_id")  # expect: FGL001


@app.route("/orders")
def orders():
    return {"user": current_user_id, "orders": []}
