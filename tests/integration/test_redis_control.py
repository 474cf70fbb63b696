"""The redis_control fixture really stops and restarts the test Redis (no database needed)."""

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

pytestmark = pytest.mark.integration


def test_redis_can_be_stopped_and_started_again(redis_control):
    # No retries: the default client retries a refused connection with back-off for several seconds.
    client = redis.Redis.from_url(
        redis_control.url, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    assert client.ping()
    client.set("pinggu:probe", "1")

    redis_control.stop()
    assert not redis_control.is_running()
    with pytest.raises(redis.ConnectionError):
        client.ping()

    redis_control.start()
    assert client.ping()
    # Started again without persistence, as after a crash: the data is gone.
    assert client.get("pinggu:probe") is None
