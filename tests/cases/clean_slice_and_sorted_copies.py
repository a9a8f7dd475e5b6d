from flask import Flask

app = Flask(__name__)
CATALOG = ["pear", "apple", "quince"]


@app.route("/catalog")
def catalog():
    featured = CATALOG[:]
    featured.insert(0, "seasonal box")
    ranked = sorted(CATALOG)
    ranked.reverse()
    everything = list(CATALOG)
    everything.extend(["gift card"])
    return {"featured": featured, "ranked": ranked, "all": everything}
