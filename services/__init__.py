"""Use cases: one typed function each, the only way in for ui/, cli/ and what comes next (an
HTTP API, a worker). Every service is registered with the permission it needs and where its
organisation comes from (services/registry.py); it runs, side effects included, in one unit of
work (store/uow.py) and commits once.

Where the aggregates stand (the rest still goes through store.AuditStore and
store.access.GuardedStore, whose guarded calls already run check, change and sign-off withdrawal
in one unit of work):
- review and sign-off: services/review.py (status, submit, return, sign off); the pages and the
  dossier use it; the guard's review methods are gone.
- accounts, roles and sign-in sessions (listing, ending one): services/accounts.py; the Users
  page and ``gbt-audit user`` (as the administrator account --as names, cli/acting.py) use it.
- creating an organisation (its creator's consultant role in the same transaction):
  services/organisations.py; the audits page uses it, the guard no longer offers it.
- certificates, surveillances held, the certificate's status and surveillance rounds:
  services/certification.py; the certification page, the dashboard and ``gbt-audit
  certificate`` use it (the portfolio, brief and reminders read certificates in their own read
  unit of work); the store's certification methods are gone.
- a round's entries: services/rounds.py (item assessments, special deductions, the special
  bonus); the checklist and the special items tab use it.
- evidence in a round: services/evidence.py (add to the library, link, unlink, and one file
  stored and linked in one transaction); the checklist's links, uploads and photos, the batch
  upload's links and ``gbt-audit evidence add`` use it, so a link made from the command line
  withdraws a sign-off exactly as the app does.
- notifications: review steps and evidence requests record theirs in their own transaction
  (uow.outbox, domain/notifications.py); services/notifications.py lists them for the Users
  page; the worker and ``gbt-audit remind`` send them (notify/).
- personal API tokens: services/api_tokens.py (make, list, revoke; checked per account); the
  Users page, "my API tokens" and ``gbt-audit token`` use it.
- read models for the API (api/): services/overview.py (a round's summary as the portfolio
  shows it, its item results and actions, its calendar, what an account may see or owns).
- assignments, owner links, comment threads and "my work": services/assignments.py,
  services/comments.py, services/my_work.py (repository ``uow.work``, store/work.py); the
  checklist, the action register and the My work page use them.
- still through store.AuditStore / GuardedStore: organisations' details, rounds (audit details,
  closing, comparing), the evidence library's own pages, requests for evidence, catalogues and
  catalogue moves, archives, the change log; the action register's and the self-evaluation
  import's saves.
"""
