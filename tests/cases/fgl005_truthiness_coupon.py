import threading

from flask import Flask

app = Flask(__name__)
coupons_left = {"SPRING": 100}
coupons_lock = threading.Lock()


@app.post("/coupons/spring/redeem")
def redeem_coupon():
    if not coupons_left["SPRING"]:
        return {"error": "sold out"}, 410
    with coupons_lock:
        coupons_left["SPRING"] -= 1  # expect: FGL005
    return {"left": coupons_left["SPRING"]}
