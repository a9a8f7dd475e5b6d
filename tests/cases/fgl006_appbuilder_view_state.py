# Flask-AppBuilder makes one instance of each view for the whole app: its @expose methods share self.
from flask import Flask, request
from flask_appbuilder import AppBuilder, BaseView, expose


class Filters:
    def __init__(self):
        self.values = []

    def clear_filters(self):
        self.values = []  # expect: FGL003

    def add(self, value):
        self.values.append(value)  # expect: FGL003


class ChartView(BaseView):
    def __init__(self):
        super().__init__()
        self._filters = Filters()
        self.columns = None

    @expose("/chart/<int:pk>", methods=["GET"])
    def chart(self, pk):
        self._filters.clear_filters()
        self._filters.add(request.args.get("q"))
        self.last_chart = pk  # expect: FGL006
        self.columns = self.columns or []
        return str(self._filters.values)


app = Flask(__name__)
appbuilder = AppBuilder(app)
appbuilder.add_view_no_menu(ChartView())
