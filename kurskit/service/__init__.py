"""The grading service: the HTTP API (FastAPI routers and dependencies), its schemas and
the learner's identity."""
