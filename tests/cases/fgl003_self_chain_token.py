import secrets
import time

from flask import Flask

app = Flask(__name__)


class PaymentsClient:
    def __init__(self):
        self.access_token = None
        self.refreshed_at = 0.0

    def _store_token(self, token):
        self.access_token = token  # expect[p]: FGL003
        self.refreshed_at = time.time()  # expect[p]: FGL003

    def refresh(self):
        self._store_token(secrets.token_hex(16))


payments = PaymentsClient()


@app.post("/payments/refresh")
def refresh_token():
    payments.refresh()  # expect[p]: FGL003
    return {"refreshed_at": payments.refreshed_at}
