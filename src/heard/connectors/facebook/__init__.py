"""Facebook Pages: the page feed and its comments (Graph API polling and signed webhooks), Messenger
messages; public comment replies and one private reply per comment."""
