from flask import Blueprint

from . import settings

admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.post("/maintenance")
def start_maintenance():
    settings.MAINTENANCE = True  # expect: FGL001
    return "", 204


@admin.route("/status")
def status():
    return {"maintenance": settings.MAINTENANCE, "banner": settings.BANNER}
