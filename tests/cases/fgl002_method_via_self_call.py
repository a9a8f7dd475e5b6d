import time

from flask import Flask

app = Flask(__name__)


class AuditTrail:
    def __init__(self):
        self.entries = []

    def record(self, action):
        self._append({"action": action, "at": time.time()})

    def _append(self, entry):
        self.entries.append(entry)  # expect[a]: FGL002 FGL003


audit = AuditTrail()


@app.post("/documents/<int:doc_id>/publish")
def publish(doc_id):
    audit.record("publish")  # expect[a]: FGL002 FGL003
    return {"published": doc_id}
