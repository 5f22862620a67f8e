"""Pages that belong to no domain: the accessibility statement and the error pages.

Also holds the shared GOV.UK form includes (``govuk/_error_summary.html``,
``govuk/_field.html``).
"""
