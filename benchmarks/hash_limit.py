"""The argon2id limit: how many hashes per second the machine's cores make with the shipped
parameters, one process per gunicorn worker."""

import time
from concurrent.futures import ProcessPoolExecutor

from argon2 import PasswordHasher

PASSWORD = "violet-Harbour-tangent-93"


def _hash_for(seconds, time_cost, memory_cost, parallelism):
    """(hashes per second, CPU seconds per hash) of one process hashing for `seconds`."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    hasher.hash(PASSWORD)  # warm up
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        hasher.hash(PASSWORD)
        count += 1
    return count / (time.perf_counter() - start), (time.process_time() - cpu) / count


def hashes_per_second(seconds, processes, time_cost, memory_cost, parallelism):
    """(hashes per second of all processes together, mean CPU seconds per hash)."""
    with ProcessPoolExecutor(processes) as pool:
        futures = [
            pool.submit(_hash_for, seconds, time_cost, memory_cost, parallelism)
            for _ in range(processes)
        ]
        results = [future.result() for future in futures]
    return sum(rate for rate, _ in results), sum(cpu for _, cpu in results) / len(results)
