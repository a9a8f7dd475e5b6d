from flask import Flask

app = Flask(__name__)
server_errors = 0


@app.errorhandler(500)
def internal_error(exc):
    global server_errors
    server_errors += 1  # expect: FGL001
    return {"error": "internal server error"}, 500
