# A Flask-AppBuilder view that keeps per-request data in locals and on flask.g; a datamodel a
# subclass installs (None in the base) and a row fetched through the model's own get().
from flask import Flask, g, request
from flask_appbuilder import AppBuilder, BaseView, expose


class Filters:
    def __init__(self):
        self.values = []

    def add(self, value):
        self.values.append(value)


class Interface:
    def get(self, pk):
        return load_row(pk)


class ChartView(BaseView):
    datamodel = None
    rows = Interface()

    @expose("/chart/<int:pk>")
    def chart(self, pk):
        filters = Filters()
        filters.add(request.args.get("q"))
        g.chart = pk
        self.datamodel.add(pk)
        row = self.rows.get(pk)
        row.title = request.args.get("title")
        return str(filters.values)


def load_row(pk):
    return {"pk": pk}


app = Flask(__name__)
AppBuilder(app).add_view_no_menu(ChartView())
