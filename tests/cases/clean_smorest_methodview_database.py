"""flask-smorest views that keep their data in the database session: nothing shared in memory."""
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)
api = Api(app)
blp = Blueprint("pets", "pets", url_prefix="/pets")


class Pet(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)


@blp.route("/")
class Pets(MethodView):
    @blp.arguments(dict)
    def post(self, data):
        pet = Pet(name=data["name"])
        db.session.add(pet)
        db.session.commit()
        return {"id": pet.id}


api.register_blueprint(blp)
