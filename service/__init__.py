"""The connections service: SelfCommunity's user-connections API served from Neo4j."""
