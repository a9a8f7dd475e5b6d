from flask import Flask, Response

app = Flask(__name__)
PRODUCTS = ["mug", "poster", "sticker"]


@app.route("/products.csv")
def export_products():
    rows = []
    written = 0

    def emit(*fields):
        nonlocal written
        rows.append(",".join(fields))
        written += 1

    emit("id", "name")
    for index, name in enumerate(PRODUCTS):
        emit(str(index), name)
    return Response("\n".join(rows), mimetype="text/csv", headers={"X-Rows": str(written)})
