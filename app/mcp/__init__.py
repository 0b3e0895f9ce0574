"""The MCP server whose tools are the assistant's only hands, and the in-process adapter the agent uses."""
