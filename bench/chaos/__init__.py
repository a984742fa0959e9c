"""Chaos measurements and the soak: SIGKILL Neo4j and gunicorn workers under load, then judge.

    python -m bench.chaos crash    [--record]   kill -9 Neo4j under load: fail-fast latency,
                                                recovery time, indexes ONLINE without rebuild
    python -m bench.chaos restarts [--record]   kill -HUP (rolling restart) and SIGTERM under load
    python -m bench.chaos soak     [--record]   SOAK_SECONDS (default 1200) of mixed load while
                                                Neo4j and workers are SIGKILLed at random

Everything runs against a throwaway managed instance (`chaos`, ports CHAOS_BOLT_PORT /
CHAOS_HTTP_PORT, default 7690/7477) loaded with a small generated community, and a gunicorn
of its own on a free loopback port. Only processes this script started are ever signalled.
tests/e2e/test_chaos.py runs the same code for two minutes inside `make test`.

`system` (the killable Neo4j, the service under gunicorn), `load` (the client threads and the
write phase), `webhook_chain` (the delivery worker and its sink), `scenarios` (what is killed
when), `judge` (what the samples say against issue 13's rules), `__main__` (the command).
"""
