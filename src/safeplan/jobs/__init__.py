"""Background tasks on django-tasks: large imports, withdrawals and recomputes of the measures.

`tasks` defines the tasks and queues them (``import_enqueue``, ``withdraw_enqueue``,
``recompute_enqueue``); `services` keeps each task's `TaskRun` (what people
see: status, rows read, outcome) and sweeps up after a worker that died;
`child` runs an import in a child process with a memory limit; `worker` is
django-tasks-db's worker with the sweep. The queue is the task backend's
(``django_tasks_db`` by default, Celery by setting); see ADR 0011.

May import: records, audit, imports, measures (and the layers below them).
Imported by: submission, web, the command line.
"""
