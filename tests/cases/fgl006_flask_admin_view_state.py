# Flask-Admin views are instances registered once with admin.add_view(): @expose methods share self.
from flask import Flask, request
from flask_admin import Admin, BaseView, expose


class ReportView(BaseView):
    @expose("/")
    def index(self):
        self.period = request.args.get("period", "week")  # expect: FGL006
        return self.render("report.html", period=self.period)


app = Flask(__name__)
admin = Admin(app)
admin.add_view(ReportView(name="Reports"))
