"""The framework ceiling: one bare Flask route, served by gunicorn exactly as the service is."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
