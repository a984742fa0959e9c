"""The rules: tokens, community options, who may see what, connection state.

May import graph and config; never HTTP.
"""
