from flask import Flask
from flask_restx import Api, Namespace, Resource

app = Flask(__name__)
api = Api(app)
ns = Namespace("todos", description="Todo operations")
api.add_namespace(ns)


@ns.route("/")
class TodoList(Resource):
    todos = []

    def get(self):
        return self.todos

    def post(self):
        self.todos.append(api.payload)  # expect: FGL006 FGL004
        return api.payload, 201
