from flask import Flask, request

app = Flask(__name__)
FEATURE_FLAGS = {"new_checkout": False, "dark_mode": True}


@app.put("/admin/flags")
def update_flags():
    FEATURE_FLAGS.update(request.get_json())  # expect: FGL002 FGL004
    return FEATURE_FLAGS
