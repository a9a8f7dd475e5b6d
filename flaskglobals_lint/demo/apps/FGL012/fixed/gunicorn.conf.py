# Two worker processes sharing one Redis server for their rate limits.
wsgi_app = "app:app"
bind = "127.0.0.1:0"
workers = 2
threads = 4
