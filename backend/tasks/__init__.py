"""Tasks: user-scoped CRUD with priorities, tags, due dates, recurrence, search and filters."""
