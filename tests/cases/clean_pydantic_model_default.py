from flask import Flask, request
from pydantic import BaseModel

app = Flask(__name__)


class Basket(BaseModel):
    items: list[str] = []

    def add(self, item: str) -> None:
        self.items.append(item)


@app.post("/basket")
def basket():
    b = Basket()
    b.add(request.form["item"])
    return b.model_dump()
