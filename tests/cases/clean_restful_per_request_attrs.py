from flask import Flask, request
from flask_restful import Api, Resource

app = Flask(__name__)
api = Api(app)


class Invoice(Resource):
    def get(self, invoice_id):
        self.invoice_id = invoice_id
        self.viewer = request.headers.get("X-User", "anonymous")
        return {"id": self.invoice_id, "viewer": self.viewer}


api.add_resource(Invoice, "/invoices/<int:invoice_id>")
