"""The team's web app (FastAPI + Jinja2): pages in English and Persian and a JSON API, over the library."""
