"""Understanding each post: complaint, intent, sentiment, topic, language, urgency. Offline, on CPU."""
