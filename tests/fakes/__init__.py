"""Test doubles that run the real thing: recorded HTTP served through httpx.MockTransport, and local servers
that speak the networks' streaming protocols over real sockets."""
