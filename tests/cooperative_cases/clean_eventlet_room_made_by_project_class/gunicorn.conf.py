worker_class = "eventlet"
workers = 1
