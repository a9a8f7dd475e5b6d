from flask import Blueprint, Flask

wishlist = Blueprint("wishlist", __name__, url_prefix="/wishlist")
WISHLIST_ITEMS = []


@wishlist.post("/<int:item_id>")
def add_item(item_id):
    WISHLIST_ITEMS.append(item_id)  # expect: FGL002 FGL004
    return {"items": len(WISHLIST_ITEMS)}, 201


app = Flask(__name__)
app.register_blueprint(wishlist)
