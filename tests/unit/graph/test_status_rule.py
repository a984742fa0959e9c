"""Every query that computes connection_status uses the same rule, word for word.

Cypher has no includes, so the rule is repeated in the page queries for the sake of one round
trip; the lifecycle's Python twin (domain.lifecycle.status_of) is checked against user_rows by
the integration tests. Here: the copies cannot drift apart.
"""

import re

from service.graph import cypher


def status_rule(text: str) -> str:
    start = text.index("WHEN EXISTS { (viewer)-[:CONNECTED_TO]->(o) }")
    end = text.index("'sent_connection_request'", start)
    return " ".join(text[start:end].split())


def test_every_status_case_matches_user_rows():
    reference = status_rule(cypher.query("api/user_rows"))
    copies = {}
    for name in cypher.names("api/"):
        text = cypher.query(name)
        if "connection_status" not in text or "CASE" not in text:
            continue
        # suggestions_page calls the requester `u`
        copies[name] = status_rule(re.sub(r"\(u\)", "(viewer)", text))
    assert len(copies) >= 4
    assert {name: rule for name, rule in copies.items() if rule != reference} == {}
