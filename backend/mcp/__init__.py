"""The task tools served to external AI clients over the Model Context Protocol."""
