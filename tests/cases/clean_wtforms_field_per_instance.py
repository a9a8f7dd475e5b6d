# WTForms fields declared on the class are templates: each form instance binds its own field,
# so changing self.<field> in __init__ changes only this request's form.
from flask import Flask, request
from flask_wtf import FlaskForm
from wtforms import StringField


class NotificationForm(FlaskForm):
    urls = StringField("Notification URLs")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls.extra_tokens = {"watch_url": "", "diff_url": ""}
        self.urls.render_kw = {"placeholder": request.args.get("hint", "")}


app = Flask(__name__)


@app.route("/notifications", methods=["GET", "POST"])
def notifications():
    form = NotificationForm()
    return {"tokens": sorted(form.urls.extra_tokens)}
