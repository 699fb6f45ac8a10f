"""X (Twitter): API v2 recent search and mentions, Account Activity webhooks; replies and DMs through API v2."""
