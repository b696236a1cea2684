"""The floor under the registration target: a bare Flask route that reads a JSON body, hashes its
password with the shipped argon2id parameters and answers 201, served by gunicorn as the service
is (benchmarks/hash_floor.py)."""

from argon2 import PasswordHasher
from flask import Flask, request

from webapp import config

_shipped = config.defaults("")
hasher = PasswordHasher(
    time_cost=_shipped["ARGON2_TIME_COST"],
    memory_cost=_shipped["ARGON2_MEMORY_COST"],
    parallelism=_shipped["ARGON2_PARALLELISM"],
)
app = Flask(__name__)


@app.post("/")
def register():
    return {"hash": hasher.hash(request.get_json()["password"])}, 201
