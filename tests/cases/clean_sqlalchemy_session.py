from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///notes.db"
db = SQLAlchemy(app)


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.Text, nullable=False)


@app.post("/notes")
def add_note():
    note = Note(body=request.form["body"])
    db.session.add(note)
    db.session.commit()
    return {"id": note.id}, 201


@app.put("/notes/<int:note_id>")
def edit_note(note_id):
    note = db.get_or_404(Note, note_id)
    note.body = request.form["body"]
    db.session.commit()
    return {"id": note.id}
