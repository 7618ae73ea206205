"""The optional LLM narrative: an OpenAI-compatible ``/chat/completions`` call that writes a
paragraph from a structured analysis, falling back to the rule summary whatever goes wrong.

    narrate(analysis, settings, lang=None) -> Analysis   (async; narrative.py)
    narrate_blocking(...)                                 (the same, for Streamlit and Dash)
    chat_completion(...) -> str                           (async; client.py)
"""

from app.llm.client import LlmError, chat_completion
from app.llm.narrative import clear_narrative_cache, llm_configured, narrate, narrate_blocking

__all__ = [
    "LlmError",
    "chat_completion",
    "clear_narrative_cache",
    "llm_configured",
    "narrate",
    "narrate_blocking",
]
