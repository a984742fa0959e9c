"""NearCache: a byte bound, least recently used out first; Stamp: what counts as unchanged."""

from service.cache.near import NearCache, Stamp

STAMP = Stamp(b"e1", ("c:v:1", "c:v:2"), (b"3", b"0"))


def test_a_stamp_matches_only_its_epoch_and_every_version():
    assert STAMP.matches([b"e1", b"3", None])  # a user never written reads as version 0
    assert STAMP.matches([b"e1", b"3", b"0"])
    assert not STAMP.matches([b"e2", b"3", None])  # a new epoch (bulk load, lost invalidation)
    assert not STAMP.matches([None, b"3", None])  # a flushed or restarted Redis
    assert not STAMP.matches([b"e1", b"4", None])
    assert not STAMP.matches([b"e1", b"3", b"1"])


def test_the_least_recently_used_go_first_once_the_bytes_are_spent():
    near: NearCache[str] = NearCache(max_bytes=300)
    for key in "abc":
        near.put(key, STAMP, key.upper(), 100)
    assert near.get("a") == (STAMP, "A")  # now the most recently used
    near.put("d", STAMP, "D", 100)
    assert near.get("b") is None
    assert [near.get(k) is not None for k in "acd"] == [True, True, True]
    assert near.bytes == 300


def test_a_value_larger_than_the_bound_is_not_kept_and_replacing_counts_once():
    near: NearCache[str] = NearCache(max_bytes=100)
    near.put("big", STAMP, "x", 101)
    assert near.get("big") is None and near.bytes == 0
    near.put("a", STAMP, "1", 60)
    near.put("a", STAMP, "2", 40)
    assert near.get("a") == (STAMP, "2") and near.bytes == 40 and len(near) == 1


def test_drop_forgets_only_the_copy_whose_check_failed():
    near: NearCache[str] = NearCache(max_bytes=1000)
    near.put("a", STAMP, "old", 10)
    newer = Stamp(b"e1", ("c:v:1",), (b"4",))
    near.put("a", newer, "new", 10)  # another thread kept a fresher copy meanwhile
    near.drop("a", STAMP)
    assert near.get("a") == (newer, "new")
    near.drop("a", newer)
    assert near.get("a") is None and near.bytes == 0


def test_a_zero_bound_keeps_nothing():
    near: NearCache[str] = NearCache(max_bytes=0)
    near.put("a", STAMP, "A", 1)
    assert near.get("a") is None
