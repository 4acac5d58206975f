"""The static report site (benchmart.site.build) and the head-to-head reader it shares with the CLI (benchmart.site.compare)."""
