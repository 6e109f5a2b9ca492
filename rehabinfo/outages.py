"""Which failures are outages of a backing service, answered 503 with Retry-After."""

from django.db import InterfaceError, OperationalError

# The database cannot be reached (refused, timed out, connection lost). Any
# other database error is a bug: a 500 with its traceback in the log.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
