"""The grading API's routes, one router per concern."""
