from flask import Flask, g, request

app = Flask(__name__)
last_request = {"tenant": None}


@app.before_request
def resolve_tenant():
    g.tenant = request.headers.get("X-Tenant", "public")


@app.after_request
def remember_tenant(response):
    last_request["tenant"] = g.tenant  # expect: FGL002 FGL004
    return response
