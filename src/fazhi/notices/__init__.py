"""Notifications to users: the in-app inbox and the daily digest e-mail, each sent once."""
