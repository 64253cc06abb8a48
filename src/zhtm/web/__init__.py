"""The browser workbench (``zhtm serve``): alignment review, glossary review and TM search
over one store, for one translator or a team.

An ASGI application (FastAPI on Starlette) made by `app.create_app` from `ServeSettings`
(or from the environment, so any ASGI server can run it); server-rendered Jinja2 pages with
small hand-written JS over the same JSON API the tests call; no build step, nothing fetched
from the internet. Security: `security` (tokens, CSRF, CSP, no CORS), `files` (only files
under the project folder or named on the command line). The review state itself lives in
the store (`zhtm.tm.review`).
"""
