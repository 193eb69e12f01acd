"""The embedded default's file cache: entries written as stored zlib blocks read back, in either backend."""

import pickle
import zlib

from django.core.cache.backends.filebased import FileBasedCache

from taskforce.cache import CHECK_EVERY, COMPRESS_LEVEL, FastFileBasedCache


def test_round_trip_and_interchange_with_django_backend(tmp_path):
    fast = FastFileBasedCache(str(tmp_path), {})
    plain = FileBasedCache(str(tmp_path), {})
    value = {"figures": list(range(1000)), "name": "Cliftonville West"}
    fast.set("a", value, 60)
    plain.set("b", value, 60)
    assert fast.get("a") == value
    assert plain.get("a") == value
    assert fast.get("b") == value
    assert fast.add("a", "other", 60) is False
    assert fast.touch("a", 120) is True
    assert fast.get("a") == value


def test_writes_stored_blocks(tmp_path):
    fast = FastFileBasedCache(str(tmp_path), {})
    value = "x" * 10_000 + "".join(map(str, range(5000)))
    fast.set("a", value, 60)
    (path,) = [p for p in tmp_path.iterdir() if p.suffix == ".djcache"]
    data = path.read_bytes()
    expiry_length = len(pickle.dumps(fast.get_backend_timeout(60), fast.pickle_protocol))
    body = data[expiry_length:]
    pickled = pickle.dumps(value, fast.pickle_protocol)
    assert body == zlib.compress(pickled, COMPRESS_LEVEL)
    assert pickled in body  # stored as it is, not compressed
    assert zlib.decompress(body) == pickled


def test_room_is_checked_every_few_writes_and_the_cache_still_culled(tmp_path, monkeypatch):
    fast = FastFileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 40, "CULL_FREQUENCY": 2}})
    listed = []
    original = FastFileBasedCache._list_cache_files

    def counted(self):
        listed.append(1)
        return original(self)

    monkeypatch.setattr(FastFileBasedCache, "_list_cache_files", counted)
    counts = []
    for i in range(400):
        fast.set(f"key-{i}", i, 60)
        counts.append(len([p for p in tmp_path.iterdir() if p.suffix == ".djcache"]))
    # Never more than the limit and one round of unchecked writes; culled back to half of it each time.
    assert max(counts) <= 40 + CHECK_EVERY
    assert min(counts[100:]) >= 20
    # Django lists every entry only to cull: a few times in 400 writes, not on each.
    assert 0 < len(listed) <= 400 // CHECK_EVERY + 1
    assert fast.get("key-399") == 399
