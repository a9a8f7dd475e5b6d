"""A Flask-Admin view that keeps request data on self (buggy).

Flask-Admin (like Flask-AppBuilder) makes each view object once, when it is added; every request
to it runs on that one instance.  A request that stores its user on self can answer with the
user of a concurrent request.  Remedy: keep per-request data in locals (or on flask.g).
"""
import time

from flask import Flask, jsonify, request
from flask_admin import Admin, BaseView, expose

app = Flask(__name__)
admin = Admin(app)


class ReportView(BaseView):
    @expose("/")
    def index(self):
        self.owner = request.headers.get("X-User", "")  # expect: FGL006
        time.sleep(0.01)  # stands in for building the report
        return jsonify(user=self.owner, sent=request.headers.get("X-User", ""))


admin.add_view(ReportView(name="Report", endpoint="report"))
