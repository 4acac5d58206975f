"""Bytes in: the sources file, the catalog, fetching, the landing zone, acquisition and one connector per format."""
