"""Chat: the /chat SSE endpoint, conversations, and the history each turn is rebuilt from."""
