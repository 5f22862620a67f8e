"""A job queue kept in the database: no broker, no extra process to run.

`job_enqueue` stores a job; any process claims the oldest queued one
atomically (`job_claim`) and runs it (`job_run_next`). Web processes run jobs
on a daemon thread started on first use (`runner.runner_ensure`); operators
and tests run them with ``safeplan jobs run [--once]``. A job left
``running`` by a process that died is queued again once its lock is stale.
"""
