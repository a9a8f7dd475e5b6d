from flask import Flask
from readerwriterlock import rwlock

app = Flask(__name__)
sessions = {}
sessions_rw = rwlock.RWLockRead()


@app.post("/sessions/<sid>/touch")
def touch(sid):
    # A read lock is shared by every reader: two requests can both hold it and write.
    with sessions_rw.gen_rlock():
        sessions[sid] = sessions.get(sid, 0) + 1  # expect: FGL002
    return {"touches": sessions[sid]}
