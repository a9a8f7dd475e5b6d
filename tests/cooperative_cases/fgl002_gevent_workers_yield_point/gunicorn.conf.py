worker_class = "gevent"
workers = 1
# cooperative workers: requests switch only at I/O
