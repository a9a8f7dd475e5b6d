from flask import Flask
from flask_login import LoginManager, current_user, login_required

app = Flask(__name__)
login_manager = LoginManager(app)
online_users = []


@app.route("/dashboard")
@login_required
def dashboard():
    online_users.append(current_user.get_id())  # expect: FGL002 FGL004
    return {"online": len(online_users)}
