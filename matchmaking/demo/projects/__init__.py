"""Projects in every state (项目), walked through the real project services.

Unlike the other stages this one does not bulk-insert: each project is drafted, published, bid
on, reviewed, awarded, supervised, reported on and accepted by the people whose job that is,
through `projects.services`, so the ledger, the transition log and the notifications are what
the platform itself would have written (see walk.py for how time passes).

- 木莲社区 (staff_mulian) has a project in every state, most with 星辰 (org_xingchen) bidding or
  delivering, reviewer_demo and supervisor_demo assigned, and one directed project (暮云小蜜蜂,
  from the article's party-building need), plus two completed projects of the year before.
- Across the city `Scale.projects` more, mostly completed or in progress, and
  `Scale.track_record_projects` completed ones of the year before, so organizations have a
  track record the matching engine reads.
- The actors the demo logins do not cover — a staff member per community, a member per bidding
  organization, a district official per district, a pool of reviewers and supervisors — are
  created as users without a usable password.

Deterministic: what a project is (community, title, money, bidders, scores) comes from a
stream per year and one per project; only its dates (and how many monthly reports fit in
them) depend on the day the seed runs.
Idempotent: a project is recognised by (community, year, title), and a need that already has
a project gets no seeded one; residents' decisions by (community, subject), users by username.

The stage by module: data.py the numbers and texts; mulian.py the named community's specs;
inputs.py what the stage reads (money, organizations); planner.py who acts and the bids;
lifecycle.py a plan's steps placed in time; plans.py the named community's and the city's
plans; people.py the users they name; decisions.py residents' decisions; stage.py
`seed_projects`, which runs them.
"""

from .stage import seed_projects

__all__ = ["seed_projects"]
