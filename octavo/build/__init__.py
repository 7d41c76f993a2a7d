"""Building: one publication's outputs, many in parallel, the cache, atomic output, watch mode."""
