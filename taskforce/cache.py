"""The embedded default's file cache, writing entries as zlib streams of stored (uncompressed) blocks.

Django's `FileBasedCache` compresses each entry at zlib's default level (6): for the dashboards' figures
(about 4 MB pickled) that took 180 ms of the first viewer's CPU after a change; zlib's fastest level (1)
took 43 ms to write and 16 ms to read back on every page view, for a file of 0.8 MB. Stored blocks (level 0)
take 8 ms to write and 6 ms to read, for a file of 4.3 MB: the cache is for CPU, and disk is cheap. The
format is unchanged (`zlib.decompress` reads any level), so entries written by either backend read in the
other.
"""

import pickle
import zlib
from typing import IO, Any

from django.core.cache.backends.filebased import FileBasedCache

COMPRESS_LEVEL = 0


class FastFileBasedCache(FileBasedCache):
    def _write_content(self, file: IO[bytes], timeout: Any, value: Any) -> None:
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), COMPRESS_LEVEL))
