from flask import Flask

app = Flask(__name__)
subscribers = list()


def subscribe(email):
    subscribers.append(email)  # expect: FGL002 FGL004
    return "", 201


app.add_url_rule("/subscribe/<email>", view_func=subscribe, methods=["POST"])
