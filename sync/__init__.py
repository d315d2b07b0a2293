"""Local store, encryption, outbox, platform client and the reference platform. Plain Python, no Qt."""
