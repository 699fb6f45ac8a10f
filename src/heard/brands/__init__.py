"""Brands: who a post is addressed to. A brand has a name, its accounts on each network, keywords, hashtags and
products; every post is attributed to the brand(s) it addresses, so queues, incidents, alerts and reports can be
kept per brand (agencies and multi-brand companies run several in one installation)."""
