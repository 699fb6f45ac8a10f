"""The edge that tells people and tools about things: signed JSON webhooks, chat incoming webhooks (Slack,
Mattermost) and e-mail over SMTP.

A sender makes exactly one attempt and says how it went (`SendResult`: delivered, retryable, or refused for
good); it never sleeps and never retries. Retrying belongs to the delivery loops (`heard.workers.hooks`,
`heard.workers.alert_delivery`), which claim a delivery in one short transaction, send outside any transaction,
and record the outcome in another, waiting between attempts as one `RetryPolicy` says.

Only this package (with the connectors, workers and commands) speaks HTTP and SMTP; the features that queue
deliveries (`heard.alerts`, `heard.hooks`) must not import `httpx` or `smtplib` (an import-linter contract).
"""
