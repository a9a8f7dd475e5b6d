from flask import Flask
from flask_restful import Api, Resource

app = Flask(__name__)
api = Api(app)
TODOS = {}


class TodoList(Resource):
    def post(self, todo_id):
        TODOS[todo_id] = {"done": False}  # expect: FGL002
        return TODOS[todo_id], 201


api.add_resource(TodoList, "/todos/<todo_id>")
