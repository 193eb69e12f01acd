"""Endpoints. Each reads through a named, scoped QuerySet and writes through a service.

Reads of personal data write an access-log row in the same transaction (AuditedReads); updates need the
record's current ETag in If-Match (Updates); a record the user may not see is 404, as if it did not exist.
"""
