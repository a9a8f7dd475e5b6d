"""flask-smorest: @blp.route on a MethodView routes every method of the class."""
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint

app = Flask(__name__)
api = Api(app)
blp = Blueprint("pets", "pets", url_prefix="/pets")
PETS = []


@blp.route("/")
class Pets(MethodView):
    @blp.response(200)
    def get(self):
        return PETS

    @blp.arguments(dict)
    def post(self, data):
        PETS.append(data)  # expect: FGL002
        return data


api.register_blueprint(blp)
