from flask import Flask
from readerwriterlock import rwlock

app = Flask(__name__)
votes = {}


@app.post("/votes/<option>")
def vote(option):
    rw = rwlock.RWLockWrite()
    with rw.gen_wlock():  # expect: FGL008
        votes[option] = votes.get(option, 0) + 1  # expect: FGL002
    return {"votes": votes[option]}
