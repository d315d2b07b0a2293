"""The 一件事 catalogue, form definitions, validation, prefill and materials. Plain Python, no Qt."""
