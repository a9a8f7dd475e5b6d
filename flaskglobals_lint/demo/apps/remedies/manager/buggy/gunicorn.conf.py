# Two worker processes; the master starts the manager that they share.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

wsgi_app = "app:app"
bind = "127.0.0.1:0"
workers = 2
threads = 4


def on_starting(server):
    from counter_manager import start_server

    server.counter_manager = start_server()


def on_exit(server):
    server.counter_manager.shutdown()
