from flask import Flask
from flask_restful import Api, Resource

app = Flask(__name__)
api = Api(app)


class Health(Resource):
    checks = {"count": 0}

    def get(self):
        self.checks["count"] += 1  # expect: FGL006
        return {"status": "ok", "checks": self.checks["count"]}


api.add_resource(Health, "/health")
