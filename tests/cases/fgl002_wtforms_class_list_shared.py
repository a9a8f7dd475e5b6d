# Neighbour of clean_wtforms_field_per_instance: a plain list on the form class is not a field
# template, so appending to it through self changes it for every form of every request.
from flask import Flask, request
from flask_wtf import FlaskForm
from wtforms import StringField


class NotificationForm(FlaskForm):
    urls = StringField("Notification URLs")
    recent = []

    def remember(self, url):
        self.recent.append(url)  # expect: FGL002


app = Flask(__name__)


@app.route("/notifications", methods=["GET", "POST"])
def notifications():
    form = NotificationForm()
    form.remember(request.args.get("url", ""))
    return "ok"
