"""The argon2id limit: how many hashes per second the machine's cores make with the shipped
parameters, one process per gunicorn worker."""
import time
from concurrent.futures import ProcessPoolExecutor

from argon2 import PasswordHasher

PASSWORD = "violet-Harbour-tangent-93"


def _hash_for(seconds, time_cost, memory_cost, parallelism):
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                            parallelism=parallelism)
    hasher.hash(PASSWORD)  # warm up
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        hasher.hash(PASSWORD)
        count += 1
    return count / (time.perf_counter() - start)


def hashes_per_second(seconds, processes, time_cost, memory_cost, parallelism) -> float:
    with ProcessPoolExecutor(processes) as pool:
        rates = [pool.submit(_hash_for, seconds, time_cost, memory_cost, parallelism)
                 for _ in range(processes)]
        return sum(rate.result() for rate in rates)
