"""Getting graphs in: file import, the community generator, the bulk load, demo data.

May import: graph, domain (row schemas), ops (the managed server), config.
"""
