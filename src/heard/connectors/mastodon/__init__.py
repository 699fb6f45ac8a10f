"""Mastodon: mentions of the brand (notifications), hashtag timelines and the streaming API; replies as statuses."""
