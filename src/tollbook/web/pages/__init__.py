"""The HTML pages, one module per area; each page's data comes from tollbook.web.views."""

from tollbook.web.pages import account, claims, imports, jobs, main, persons, records, report, review

ROUTERS = [account.router, main.router, records.router, persons.router, review.router, claims.router,
           imports.router, jobs.router, report.router]
