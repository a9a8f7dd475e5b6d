from flask import Flask

app = Flask(__name__)
CATEGORY_TITLES = {}


def load_categories():
    return [("books", "Books"), ("games", "Games")]


def warm_category_titles():
    for slug, title in load_categories():
        CATEGORY_TITLES[slug] = title


with app.app_context():
    warm_category_titles()


@app.route("/categories/<slug>")
def category(slug):
    return {"title": CATEGORY_TITLES.get(slug, slug.title())}
