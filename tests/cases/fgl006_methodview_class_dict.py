from flask import Flask
from flask.views import MethodView

app = Flask(__name__)


class LikeAPI(MethodView):
    likes = {}

    def get(self, post_id):
        return {"likes": self.likes.get(post_id, 0)}

    def post(self, post_id):
        self.likes[post_id] = self.likes.get(post_id, 0) + 1  # expect: FGL006
        return {"likes": self.likes[post_id]}


app.add_url_rule("/posts/<int:post_id>/like", view_func=LikeAPI.as_view("like"))
