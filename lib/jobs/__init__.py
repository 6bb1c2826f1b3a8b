"""Generation as durable jobs: a row per job in `content_jobs` (lib/jobs/store.py), procrastinate's queue to
hand it to a worker (lib/jobs/queue.py), and what a worker does with it (lib/jobs/run.py)."""
