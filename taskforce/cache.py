"""The embedded default's file cache: entries written as zlib streams of stored (uncompressed) blocks, and
room checked without listing every entry on every write.

Django's `FileBasedCache` compresses each entry at zlib's default level (6): for the dashboards' figures
(about 4 MB pickled) that took 180 ms of the first viewer's CPU after a change; zlib's fastest level (1)
took 43 ms to write and 16 ms to read back on every page view, for a file of 0.8 MB. Stored blocks (level 0)
take 8 ms to write and 6 ms to read, for a file of 4.3 MB: the cache is for CPU, and disk is cheap. The
format is unchanged (`zlib.decompress` reads any level), so entries written by either backend read in the
other.

Before each write Django also lists the whole cache directory (a glob, and a path joined for every entry)
only to find that the cache is not full: 0.4 ms of CPU per write with 60 entries, growing with every entry,
where a dashboard view computed cold writes 15 to 60 of them. Here the directory's names are counted (one
call in C) every `CHECK_EVERY` writes of the process, and Django's own culling runs only when that count
reaches `MAX_ENTRIES`: the cache may pass its limit by that many entries per process before it is culled.
"""

import os
import pickle
import zlib
from typing import IO, Any

from django.core.cache.backends.filebased import FileBasedCache

COMPRESS_LEVEL = 0
CHECK_EVERY = 32


class FastFileBasedCache(FileBasedCache):
    _writes = 0

    def _write_content(self, file: IO[bytes], timeout: Any, value: Any) -> None:
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), COMPRESS_LEVEL))

    def _cull(self) -> None:
        self._writes += 1
        if (self._writes - 1) % CHECK_EVERY:
            return
        try:
            # Every name, temporary files among them: never fewer than the entries, so a cache this finds
            # not full is not.
            names = len(os.listdir(self._dir))  # type: ignore[attr-defined]  # Django's, not in its stubs
        except FileNotFoundError:
            return
        if names >= self._max_entries:
            super()._cull()  # type: ignore[misc]  # Django's, not in its stubs
