"""`POST /api/chatkit`: the ChatKit server protocol over our conversations (threads) and
messages (items), answered by the same turn as `/chat`."""
