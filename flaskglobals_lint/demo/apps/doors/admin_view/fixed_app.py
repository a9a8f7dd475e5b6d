"""A Flask-Admin view that keeps request data in locals (fixed): one instance, no shared fields."""
import time

from flask import Flask, jsonify, request
from flask_admin import Admin, BaseView, expose

app = Flask(__name__)
admin = Admin(app)


class ReportView(BaseView):
    @expose("/")
    def index(self):
        owner = request.headers.get("X-User", "")
        time.sleep(0.01)  # the same work as in the buggy app
        return jsonify(user=owner, sent=request.headers.get("X-User", ""))


admin.add_view(ReportView(name="Report", endpoint="report"))
