from flask import Flask
from readerwriterlock import rwlock

app = Flask(__name__)
feature_flags = {}
flags_rw = rwlock.RWLockWriteD()


@app.put("/flags/<name>")
def set_flag(name):
    with flags_rw.gen_wlock():
        feature_flags[name] = True  # expect: FGL011
    return {"flag": name}
