"""Reddit: comment and submission streams of chosen subreddits, site search and username mentions;
replies as comments and private messages."""
