from flask import Flask

app = Flask(__name__)
trusted_hosts = ["example.com"]
port = 8000


@app.route("/hosts")
def hosts():
    return {"trusted": trusted_hosts}


if __name__ == "__main__":
    trusted_hosts.append("localhost")
    app.config["DEBUG"] = True
    port = 5000
    app.run(port=port)
