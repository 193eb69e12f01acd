"""The embedded default's file cache: entries written as stored zlib blocks read back, in either backend."""

import pickle
import zlib

from django.core.cache.backends.filebased import FileBasedCache

from taskforce.cache import COMPRESS_LEVEL, FastFileBasedCache


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
