"""Workers that run generation jobs: one inside the app process (the embedded default: `make run` stays one
command), or standalone on any number of machines against the same DATABASE_URL:

    python -m lib.jobs.worker            # or: make worker

A worker sends procrastinate's heartbeat; when a worker dies (a crash, a kill, a closed machine), another
worker finds its jobs stalled within about STALLED_AFTER seconds and runs them again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading

import procrastinate

from lib.config import Config, load_config
from lib.db import database_url, get_database
from lib.generate import Generator, get_generator
from lib.jobs import queue, run

log = logging.getLogger(__name__)
STALLED_AFTER = 15.0  # seconds without a worker heartbeat before its jobs are run again
HEARTBEAT = 3.0
RECHECK = 5.0  # how often a worker looks for stalled jobs


_generators: dict[str, Generator] = {}


def _generator(config: Config) -> Generator:
    # One client per configuration for the worker's life; it holds no user state.
    if config.fingerprint not in _generators:
        _generators[config.fingerprint] = get_generator(config)
    return _generators[config.fingerprint]


def worker_app(config: Config) -> procrastinate.App:
    """A procrastinate app whose one task runs a job of ours, as the job's user."""
    db = get_database(config)
    connector = procrastinate.PsycopgConnector(conninfo=queue.queue_url(db.url), min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)

    # A failure outside the job's own handling (the database away) is retried; the job row says the rest.
    @app.task(name=queue.TASK, queue=queue.QUEUE, retry=procrastinate.RetryStrategy(max_attempts=3, wait=2))
    def run_job(job_id: str, user_id: str) -> str:
        current = load_config()  # the generator's settings, read per job in the one place that reads them
        return run.run_job(db, current, _generator(current), job_id, user_id)

    return app


async def _retry_stalled(app: procrastinate.App) -> None:
    while True:
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER):
                log.warning("job %s of a worker that stopped answering is run again", job.id)
                await app.job_manager.retry_job(job)
        except Exception:  # the database may be away for a moment; the next round tries again
            log.exception("looking for stalled jobs failed")
        await asyncio.sleep(RECHECK)


async def work(config: Config, concurrency: int, name: str, stop: asyncio.Event) -> None:
    app = worker_app(config)
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(
            queues=[queue.QUEUE], concurrency=concurrency, name=name, install_signal_handlers=False,
            fetch_job_polling_interval=2.0, update_heartbeat_interval=HEARTBEAT,
            stalled_worker_timeout=STALLED_AFTER, shutdown_graceful_timeout=5.0, delete_jobs="successful"))
        recheck = asyncio.create_task(_retry_stalled(app))
        await stop.wait()
        recheck.cancel()
        worker.cancel()  # procrastinate stops gracefully: running jobs get a few seconds, then are left to others
        await asyncio.gather(worker, recheck, return_exceptions=True)


class InProcessWorker:
    """A worker on its own thread and event loop inside the app process."""

    def __init__(self, config: Config, concurrency: int):
        self.config, self.concurrency = config, concurrency
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="content-studio-worker", daemon=True)

    def start(self) -> "InProcessWorker":
        self._thread.start()
        self._ready.wait(30)
        return self

    def _run(self) -> None:
        async def main() -> None:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            self._ready.set()
            await work(self.config, self.concurrency, f"app-{socket.gethostname()}-{os.getpid()}", self._stop)

        try:
            asyncio.run(main())
        except Exception:
            log.exception("the in-process worker stopped")
        finally:
            self._ready.set()

    def stop(self, timeout: float = 15) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = load_config()
    database_url(config)  # the embedded default starts here too (a worker beside `make run` on one machine)
    stop = asyncio.Event()

    async def run_until_signalled() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        log.info("worker started (concurrency %d)", config.worker_concurrency)
        await work(config, config.worker_concurrency, f"worker-{socket.gethostname()}-{os.getpid()}", stop)

    asyncio.run(run_until_signalled())


if __name__ == "__main__":
    main()
