"""HTTP plumbing every door shares: the request class, body reading, errors as faults, security
headers, framing, logs."""
