"""Grants (授权): created when a share request is granted, listed, expired, revoked."""
