from flask import Flask, request

app = Flask(__name__)
AUDIT = []


def audit():
    AUDIT.append(request.path)  # expect: FGL002 FGL004


app.before_request(audit)
