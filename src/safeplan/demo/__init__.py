"""The synthetic county behind ``safeplan demo``.

`generator.generate` writes the twelve canonical CSV files for an invented
County Durham-sized area; `services.demo_build` imports them through the
importer users use; `frames.demo_measure_inputs` hands the same files to the
measure engine without a database. The simulation lives in `journeys`
(referral → assessment → case → plan → care), `casework` (the social-care
datasets drawn from it) and `events` (missing episodes, audits, eLearning,
challenges); every rate and trend it is tuned to is written in `county`.
"""
