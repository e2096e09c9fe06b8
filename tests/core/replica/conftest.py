from tests.support.api import claim_payload, make_claim, plain_static_files, world  # noqa: F401  (the API tests' world)
from tests.support.replica import replica, streaming_replica  # noqa: F401  (a real streaming replica)
