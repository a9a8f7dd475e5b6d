from flask import Flask
from flask_caching import Cache

app = Flask(__name__)
cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})


def fetch_forecast(city):
    return {"city": city, "forecast": "sunny"}


@app.route("/weather/<city>")
def weather(city):
    forecast = cache.get(city)
    if forecast is None:
        forecast = fetch_forecast(city)
        cache.set(city, forecast, timeout=300)
    return forecast


@app.post("/admin/weather/flush")
def flush_weather():
    cache.clear()
    return "", 204
