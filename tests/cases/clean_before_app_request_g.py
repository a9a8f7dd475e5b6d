from flask import Blueprint, Flask, g, session

auth = Blueprint("auth", __name__)


@auth.before_app_request
def load_logged_in_user():
    g.user_id = session.get("user_id")
    g.roles = ["admin"] if g.user_id == 1 else []


@auth.route("/me")
def me():
    return {"user": g.user_id, "roles": g.roles}


app = Flask(__name__)
app.secret_key = "dev"
app.register_blueprint(auth)
