"""Abuse defence, all self-hosted (contract section 13): the honeypot and pace of the wizard,
proof of work, throwaway addresses and breached passwords. Nothing here calls out of the service."""
