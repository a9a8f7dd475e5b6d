from flask import Flask

app = Flask(__name__)
PUBLIC_ENDPOINTS = []


def health():
    checks = []
    checks.append({"name": "app", "ok": True})
    return {"checks": checks}


app.add_url_rule("/health", view_func=health)
PUBLIC_ENDPOINTS.append("/health")
