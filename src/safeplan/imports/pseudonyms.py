"""One pseudonymisation key per database: an import under another key is refused (R-O06).

Pseudonyms link a child across datasets and agencies only while every import
uses the same key. Each batch stores the fingerprint of its key
(`key_fingerprint`, an HMAC of a fixed label — never the key); before a file is
read, its fingerprint is compared with those of the accepted batches of every
pseudonymised dataset. No key at all is a state too: identifiers stored as
received and pseudonyms must not be mixed either.

    problem = key_problem(where=Where("referrals.csv", ""), dataset="referrals")
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from safeplan.datasets.schema import DATASETS
from safeplan.imports.validation import ImportProblem, Where, key_fingerprint
from safeplan.records.models import ImportBatch

PSEUDONYMISED_DATASETS = tuple(
    name for name, ds in DATASETS.items() if any(col.pseudonymise for col in ds.columns)
)
_NAMED = 5  # batches named in the message


def current_fingerprint() -> str:
    """The fingerprint of the configured key; blank when identifiers are stored as received."""
    return key_fingerprint(settings.PSEUDONYMISE_KEY)


def key_problem(*, where: Where, dataset: str) -> ImportProblem | None:
    """R-O06 when accepted batches were stored under another key (or none, or an unknown one)."""
    if dataset not in PSEUDONYMISED_DATASETS:
        return None
    current = current_fingerprint()
    same = Q(pseudonymised=bool(current), key_fingerprint=current)
    others = ImportBatch.objects.filter(
        status=ImportBatch.Status.ACCEPTED, dataset__in=PSEUDONYMISED_DATASETS
    ).exclude(same)
    found = list(others.order_by("pk").values_list("pk", "pseudonymised", "key_fingerprint"))
    if not found:
        return None
    return where.problem("R-O06", _message(current, found))


def _message(current: str, found: list[tuple[int, bool, str]]) -> str:
    named = ", ".join(str(pk) for pk, _, _ in found[:_NAMED]) + ("…" if len(found) > _NAMED else "")
    batches = f"batch{'es' if len(found) > 1 else ''} {named}"
    if not current:
        return (
            f"the stored records were pseudonymised ({batches}) but SAFEPLAN_PSEUDONYMISE_KEY "
            "is not set, so this file's identifiers would never match theirs; set the key "
            "they were made with (docs/deployment.md, Pseudonymisation)"
        )
    if any(not pseudonymised for _, pseudonymised, _ in found):
        return (
            f"the stored records hold identifiers as received ({batches}) but "
            "SAFEPLAN_PSEUDONYMISE_KEY is set, so this file's pseudonyms would never match them; "
            "set SAFEPLAN_PSEUDONYMISE=off, or import everything again into a new database "
            "under the key (docs/deployment.md, Pseudonymisation)"
        )
    if any(not fingerprint for _, _, fingerprint in found):
        return (
            f"the stored records were pseudonymised ({batches}) before key fingerprints were "
            "kept, and the key was not set when safeplan was upgraded; set the key they were "
            "made with and record it (docs/deployment.md, Pseudonymisation)"
        )
    stored = sorted({fingerprint[:12] for _, _, fingerprint in found})
    return (
        f"the stored records were pseudonymised under a different key ({batches}, key "
        f"fingerprint {', '.join(stored)}) from the one set now ({current[:12]}); the same "
        "child would become two people. Set the key they were made with "
        "(docs/deployment.md, Pseudonymisation)"
    )
