from flask import Flask, request
from flask.views import View

app = Flask(__name__)


class ReportView(View):
    init_every_request = False

    def dispatch_request(self):
        self.owner = request.args.get("owner", "me")  # expect: FGL006 FGL004
        return {"owner": self.owner, "rows": []}


app.add_url_rule("/report", view_func=ReportView.as_view("report"))
