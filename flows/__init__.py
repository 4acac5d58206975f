"""Prefect flows and tasks. They only wire the steps of ingest/, transforms/, expectations/ and warehouse/."""
