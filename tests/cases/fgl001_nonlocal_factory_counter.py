from flask import Flask


def create_app():
    app = Flask(__name__)
    uploads = 0

    @app.post("/upload")
    def upload():
        nonlocal uploads
        uploads += 1  # expect: FGL001
        return {"uploads": uploads}

    return app


app = create_app()
