"""Tags and automatic rules: conditions on a stored post (brand, network, judgements, topic, incident, keywords,
reach, language) and actions on its conversation (tag, assign to a team, set priority, snooze, notify).

Rules run on each batch of stored posts, after incidents are linked (one call in the pipeline worker), and are
previewed against the recent week before they are saved ("would have matched 42 posts this week"). Matching is
one pure function over a post's facts, the same for both.
"""
