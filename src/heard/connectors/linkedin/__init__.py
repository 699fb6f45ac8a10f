"""LinkedIn organization pages (Community Management API): comments and mentions; comment replies."""
