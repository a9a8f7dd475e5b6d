from flask import Flask

app = Flask(__name__)
DEFAULT_BLOCKED = ["10.0.0.13", "10.0.0.14"]
blocked_ips = {ip for ip in DEFAULT_BLOCKED}


@app.delete("/blocklist/<ip>")
def unblock(ip):
    blocked_ips.discard(ip)  # expect: FGL002
    return {"blocked": len(blocked_ips)}
