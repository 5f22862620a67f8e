"""Agency data submission: upload a file, read its validation report, follow a background import.

Submitters upload the datasets their agency may submit, under their agency's
source; analysts and administrators see every batch with its provenance and
may withdraw one (`safeplan.imports.withdraw.batch_withdraw`).
"""
