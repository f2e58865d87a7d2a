"""Accounts, tokens and the current-user dependencies."""
