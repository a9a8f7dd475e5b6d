# Two worker processes: each one imports app.py and gets its own copy of module state.
wsgi_app = "app:app"
bind = "127.0.0.1:0"
workers = 2
threads = 4
