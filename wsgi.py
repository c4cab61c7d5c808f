"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""
from app import create_app, startup

app = create_app()
if startup.is_serving():
    startup.serve(app)
