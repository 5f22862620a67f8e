"""Sign-in, roles and the people who use safeplan.

Roles are Django groups (`safeplan.accounts.roles.Role`); an agency submitter's
agency lives on their `Profile`. Services write (`user_create`,
`demo_users_create`, `roles_ensure`), selectors read (`users_list`).
"""
