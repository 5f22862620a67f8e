"""The plan as data: vision, priorities, key measures, interventions, themes."""
