"""The national administrative divisions (GB/T 2260): import from a file or a data package, search."""
