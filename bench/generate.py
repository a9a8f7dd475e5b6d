"""A deterministic generator of realistic Flask projects for the benchmark.

``generate(folder, lines)`` writes a package with an app factory, blueprints
with views, services, models and class-based views, plain utility modules
that never touch Flask, and module-level state with and without locks.  The
same ``lines`` and ``seed`` always give the same tree.
"""
from __future__ import annotations

import random
import sys
import textwrap
from pathlib import Path

BLUEPRINT_LINES = 1540  # about how many lines one blueprint package holds


def _utility_module(rng: random.Random, index: int) -> str:
    parts = [f'"""Utilities, part {index}: text and number helpers with no Flask in sight."""\n'
             "import math\nimport re\nfrom collections import defaultdict\n\n"
             f"SLUG_{index} = re.compile(r\"[^a-z0-9]+\")\n\n"]
    for n in range(rng.randint(14, 18)):
        parts.append(textwrap.dedent(f'''
            def normalise_{index}_{n}(value, width={rng.randint(4, 40)}):
                """Normalise a value for display."""
                text = str(value).strip().lower()
                text = SLUG_{index}.sub("-", text)
                if len(text) > width:
                    text = text[:width].rstrip("-")
                counts = defaultdict(int)
                for char in text:
                    counts[char] += 1
                score = sum(math.log(1 + c) for c in counts.values())
                return {{"text": text, "score": round(score, {rng.randint(1, 4)})}}


            def chunk_{index}_{n}(items, size={rng.randint(2, 9)}):
                """Split a list into chunks."""
                out = []
                for start in range(0, len(items), size):
                    out.append(items[start:start + size])
                return out
        '''))
    return "".join(parts)


def _state_module(index: int) -> str:
    return textwrap.dedent(f'''
        """Module-level state of blueprint {index}: some of it locked, some not."""
        import threading
        from collections import Counter

        VISITS = Counter()
        RECENT = []
        SETTINGS = {{"page_size": 20, "theme": "light"}}
        CACHE = {{}}
        TOTALS = {{}}
        TOTALS_LOCK = threading.Lock()


        def remember(item):
            RECENT.append(item)
            del RECENT[:-50]


        def add_total(key, amount):
            with TOTALS_LOCK:
                TOTALS[key] = TOTALS.get(key, 0) + amount
                return TOTALS[key]
    ''')


def _services_module(rng: random.Random, index: int) -> str:
    parts = [textwrap.dedent(f'''
        """Services of blueprint {index}."""
        import threading
        import time

        from . import state
        from .models import Item{index}


        class Ledger{index}:
            """Keeps running totals; guards them with its own lock."""

            def __init__(self):
                self.entries = []
                self._lock = threading.Lock()

            def record(self, entry):
                with self._lock:
                    self.entries.append(entry)
                    return len(self.entries)


        class Stats{index}:
            """Counts things without a lock."""

            def __init__(self):
                self.hits = 0
                self.last = None

            def hit(self, name):
                self.hits += 1
                self.last = name


        ledger = Ledger{index}()
        stats = Stats{index}()
    ''')]
    for n in range(rng.randint(10, 14)):
        parts.append(textwrap.dedent(f'''

            def build_{n}(name, count={rng.randint(1, 9)}):
                """Build a list of items for a page."""
                items = []
                for position in range(count):
                    item = Item{index}(name=f"{{name}}-{{position}}", price=position * {rng.randint(2, 99)})
                    if item.price > {rng.randint(10, 200)}:
                        item.tags.append("premium")
                    items.append(item)
                started = time.monotonic()
                summary = {{"count": len(items), "took": time.monotonic() - started}}
                return items, summary


            def lookup_{n}(key):
                """Memoised lookup."""
                if key not in state.CACHE:
                    state.CACHE[key] = compute_{n}(key)
                return state.CACHE[key]


            def compute_{n}(key):
                total = 0
                for char in str(key):
                    total = (total * 31 + ord(char)) % 1000003
                return total
        '''))
    return "".join(parts)


def _models_module(index: int) -> str:
    return textwrap.dedent(f'''
        """Plain models of blueprint {index}."""
        from dataclasses import dataclass, field


        @dataclass
        class Item{index}:
            name: str
            price: int = 0
            tags: list = field(default_factory=list)

            def label(self):
                return f"{{self.name}} ({{self.price}})"


        class Catalog{index}:
            def __init__(self, items=None):
                self.items = list(items or [])

            def add(self, item):
                self.items.append(item)
                return item

            def cheapest(self):
                return min(self.items, key=lambda item: item.price, default=None)
    ''')


def _views_module(rng: random.Random, index: int) -> str:
    parts = [textwrap.dedent(f'''
        """Views of blueprint {index}."""
        from flask import g, jsonify, request

        from . import bp, services, state
        from .models import Catalog{index}
    ''')]
    for n in range(rng.randint(12, 16)):
        kind = rng.choice(["clean", "clean", "clean", "memo", "locked", "racy", "object", "request"])
        body = {
            "clean": f'''
                catalog = Catalog{index}()
                items, summary = services.build_{n % 10}(name)
                for item in items:
                    catalog.add(item)
                g.count = summary["count"]
                return jsonify(count=len(catalog.items), cheapest=str(catalog.cheapest()))''',
            "memo": f'''
                value = services.lookup_{n % 10}(name)
                return jsonify(value=value)''',
            "locked": f'''
                total = state.add_total(name, {rng.randint(1, 9)})
                services.ledger.record(name)
                return jsonify(total=total)''',
            "racy": '''
                state.VISITS[name] += 1
                state.remember(name)
                return jsonify(visits=state.VISITS[name])''',
            "object": '''
                services.stats.hit(name)
                return jsonify(hits=services.stats.hits)''',
            "request": '''
                state.SETTINGS["theme"] = request.args.get("theme", "light")
                return jsonify(theme=state.SETTINGS["theme"])''',
        }[kind]
        parts.append(textwrap.dedent(f'''

            @bp.route("/{index}/{n}/<name>", methods=["GET", "POST"])
            def view_{n}(name):
                """A {kind} view."""''') + textwrap.dedent(body).replace("\n", "\n    ") + "\n")
    return "".join(parts)


def _api_module(index: int) -> str:
    return textwrap.dedent(f'''
        """Class-based views of blueprint {index}."""
        from flask import jsonify, request
        from flask.views import MethodView

        from . import bp


        class ItemAPI{index}(MethodView):
            recent = []

            def __init__(self):
                self.seen = []

            def get(self, item_id):
                self.seen.append(item_id)
                return jsonify(id=item_id, seen=len(self.seen))

            def post(self, item_id):
                self.recent.append(request.form.get("name", ""))
                return jsonify(id=item_id), 201


        bp.add_url_rule("/{index}/items/<int:item_id>", view_func=ItemAPI{index}.as_view("items_{index}"))
    ''')


def generate(folder: Path, lines: int, seed: int = 1) -> int:
    """Write a project of about ``lines`` lines under ``folder``; returns the real line count."""
    rng = random.Random(seed)
    package = folder / "benchapp"
    package.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text("[project]\nname = \"benchapp\"\nversion = \"0\"\n")
    blueprints = max(1, lines // BLUEPRINT_LINES)
    imports = "\n".join(f"    from .bp{i} import bp as bp{i}" for i in range(blueprints))
    registers = "\n".join(f"    app.register_blueprint(bp{i})" for i in range(blueprints))
    (package / "__init__.py").write_text(
        '"""The bench app: a factory that registers every blueprint."""\nfrom flask import Flask\n\n\n'
        f"def create_app():\n    app = Flask(__name__)\n    app.config[\"SECRET_KEY\"] = \"dev\"\n"
        f"{imports}\n{registers}\n    return app\n")
    utilities = package / "utils"
    utilities.mkdir(exist_ok=True)
    (utilities / "__init__.py").write_text("")
    for i in range(blueprints):
        bp = package / f"bp{i}"
        bp.mkdir(exist_ok=True)
        (bp / "__init__.py").write_text(
            f"from flask import Blueprint\n\nbp = Blueprint(\"bp{i}\", __name__)\n\n"
            "from . import api, views  # noqa: E402,F401\n")
        (bp / "state.py").write_text(_state_module(i))
        (bp / "models.py").write_text(_models_module(i))
        (bp / "services.py").write_text(_services_module(rng, i))
        (bp / "views.py").write_text(_views_module(rng, i))
        (bp / "api.py").write_text(_api_module(i))
        for u in range(3):
            (utilities / f"text_{i}_{u}.py").write_text(_utility_module(rng, i * 3 + u))
    return sum(p.read_text().count("\n") for p in folder.rglob("*.py"))


if __name__ == "__main__":
    USAGE = ("usage: python bench/generate.py FOLDER LINES\n"
             "writes a Flask project of about LINES lines into FOLDER and prints the lines written")
    if sys.argv[1:2] in (["-h"], ["--help"]):
        sys.exit(print(USAGE))
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        print(USAGE, file=sys.stderr)
        sys.exit(2)
    print(generate(Path(sys.argv[1]), int(sys.argv[2])))
