from flask import Flask

app = Flask(__name__)


class Ticket:
    issued = 0

    @classmethod
    def next_number(cls):
        cls.issued += 1  # expect[n]: FGL003
        return cls.issued


@app.post("/tickets")
def open_ticket():
    return {"number": Ticket.next_number()}, 201  # expect[n]: FGL003
