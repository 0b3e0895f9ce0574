"""Accounts and tokens: sign-up, sign-in, refresh, sign-out, session, and the one owner check."""
