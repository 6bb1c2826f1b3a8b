"""`make bench`: a fresh embedded PostgreSQL, seeded at scale, timed through the real library functions.

`bench.seed` fills a database (sizes are parameters, see `Sizes`); `bench.run`
measures it and prints one JSON line last.
"""
