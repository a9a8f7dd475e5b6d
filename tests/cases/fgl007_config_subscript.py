from flask import Flask

app = Flask(__name__)
app.config["MAINTENANCE_MODE"] = False


@app.post("/admin/maintenance")
def toggle_maintenance():
    app.config["MAINTENANCE_MODE"] = not app.config["MAINTENANCE_MODE"]  # expect: FGL007
    return {"maintenance": app.config["MAINTENANCE_MODE"]}
