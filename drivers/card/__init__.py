"""The Thai national ID card reader (PC/SC through pyscard, or simulated)."""
