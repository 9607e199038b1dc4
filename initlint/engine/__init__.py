"""Files in, diagnostics out: discovery, prefilter, parse, one traversal, fixes, cache, processes."""
