import queue
import threading

from flask import Flask, request

app = Flask(__name__)
outgoing_emails = queue.Queue()
paused = threading.Event()


@app.post("/signup")
def signup():
    outgoing_emails.put({"to": request.form["email"], "template": "welcome"})
    return "", 202


@app.post("/admin/mail/pause")
def pause_mail():
    paused.set()
    return "", 204
