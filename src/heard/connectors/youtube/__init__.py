"""YouTube: comment threads on the brand's channel (YouTube Data API v3); replies in the thread."""
