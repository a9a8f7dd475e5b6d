from myapp.api import endpoint

visits = []


@endpoint("/visit")
def visit(name):
    visits.append(name)  # expect: FGL002
    return "ok"


def not_an_endpoint(name):
    visits.append(name)
