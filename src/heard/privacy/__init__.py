"""A person's requests about their data: export everything stored about them (every identity) as JSON, and erase
it (posts, messages, the contact, the search index, the event log's payloads, replies still in the outbox),
leaving the counts reports are made of.

Erasure redacts rather than deletes the rows that reports count (posts, messages, conversations keep their
judgements and times, with the words and handles gone), so a report for last month does not change when a
customer asks to be forgotten (decision 1201).
"""
