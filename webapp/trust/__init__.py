"""Proof of ownership (contract section 12): email verification by code and by link,
enumeration-safe sign-up, and double opt-in consents with their evidence."""
