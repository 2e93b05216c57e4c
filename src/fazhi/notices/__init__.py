"""Notifications to users: the in-app inbox and the daily digest e-mail, each sent once.

Anything may call `notify`; a notification with the same (user, key) is never created twice.
"""
