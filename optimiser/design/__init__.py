"""Design from scratch: module slots and the mapping chosen together."""
