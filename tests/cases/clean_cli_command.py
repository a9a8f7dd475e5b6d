import click
from flask import Flask

app = Flask(__name__)
search_index = {}
indexed_at = None


@app.cli.command("reindex")
@click.option("--full", is_flag=True)
def reindex(full):
    global indexed_at
    if full:
        search_index.clear()
    search_index["flask"] = ["/docs/quickstart", "/docs/patterns"]
    indexed_at = "now"


@app.route("/search/<term>")
def search(term):
    return {"hits": search_index.get(term, []), "indexed_at": indexed_at}
