"""Action plans: the actions under each planned intervention and their dated progress.

Services write (`action_create`, `action_update`, `action_progress_add`,
`action_close`, `actions_import`); selectors read, each action with its RAG
derived by `safeplan.engine.judgement.action_rag` (scorecard.md, "Action plans").
Actions refer to interventions and themes by stable keys (slugs of their
names, `safeplan.plans.selectors.intervention_key`), because loading a plan
creates new plan rows.
"""
