"""Notifications: the outbox's events and the reminder digest told by mail and to group-chat
robots (企业微信, 钉钉, 飞书, or plain JSON), sent by the worker or `gbt-audit remind`."""
