"""Deterministic demo data for Changsha: `manage.py seed_demo` (see `seed.seed_demo`).

This is a loader of reference and demo data, not a user workflow: it writes with bulk
inserts and so bypasses the services (no permission checks, audit entries or side effects),
the way a data import would. Field history rows are written alongside (reason "seed_demo").
Projects are the exception (projects.py): each is walked through the project services by the
people whose job each step is, on a simulated clock (walk.py), so the ledger, the transition
log and the notifications are the platform's own.

- Regions come from the official division table (`communities.services.regions_load_city`);
  communities below the streets, organizations, workers, offerings, needs and funding are
  generated from seeded random streams (one per stage, derived from 20181211) and a seeded
  `Faker("zh_CN")`, so two runs on an empty database produce the same rows.
- Idempotent: each stage plans its rows in full, then inserts only those whose natural key
  (region code, community region, USCC, certificate number, fund community + year, resource
  name + year, username, project community + year + title, decision community + subject) is
  not stored. Needs and offerings have no natural key, so a
  community or organization that already has some gets none. Stored rows are never updated,
  so what users changed survives a rerun.
"""
