from flask import Flask, render_template_string

app = Flask(__name__)
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$"}


@app.template_filter("money")
def money(cents, currency="EUR"):
    parts = [CURRENCY_SYMBOLS.get(currency, currency)]
    parts.append(f"{cents / 100:.2f}")
    return "".join(parts)


@app.route("/price/<int:cents>")
def price(cents):
    return render_template_string("{{ cents | money }}", cents=cents)
