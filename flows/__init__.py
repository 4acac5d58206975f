"""Prefect flows and tasks. They only wire the stages in benchmart.stages; no logic of their own."""
