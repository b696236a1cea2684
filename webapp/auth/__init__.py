"""Machine credentials: API keys and signatures, idempotency keys, rate limits."""
