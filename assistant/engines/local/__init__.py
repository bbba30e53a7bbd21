"""The deterministic `local` engine: tracker, policy and a LangChain chat model around them."""
