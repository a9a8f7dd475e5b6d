import functools

from flask import Flask, request
from flask.views import MethodView

app = Flask(__name__)


def require_api_key(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if request.headers.get("X-API-Key") != "secret":
            return {"error": "forbidden"}, 403
        return view(*args, **kwargs)

    return wrapped


class ProfileAPI(MethodView):
    decorators = [require_api_key]

    def __init__(self, template):
        self.template = template

    def get(self, user_id):
        self.user_id = user_id
        self.viewer = request.headers.get("X-User", "anonymous")
        return {"user": self.user_id, "viewer": self.viewer, "template": self.template}


app.add_url_rule("/profiles/<int:user_id>", view_func=ProfileAPI.as_view("profile", "profile.html"))
