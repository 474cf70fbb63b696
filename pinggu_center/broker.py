"""kombu's Redis transport, with the one fix that lets a Celery worker outlive a Redis restart by itself.

celery 5.7.0 / kombu 5.7.0 / redis-py 8.1.0: when the broker connection drops while the worker holds an
unacknowledged message (a task with a countdown waiting for its time, or a task whose acknowledgement could
not be sent because Redis had just gone), the consumer collects the broken connection, which detaches the
transport from its connection (``transport.client = None``), and then closes the connection again. That second
close asks the channel's QoS to put the unacknowledged messages back into Redis; building a Redis client
reads ``transport.client.hostname``, raises ``AttributeError`` (not a connection error, so celery's
``ignore_errors`` lets it through) and the worker stops with "Unrecoverable error: AttributeError: 'NoneType'
object has no attribute 'hostname'".

There is nothing to put back at that moment: Redis is unreachable and the transport already let go of it.
This QoS skips the restore when its transport is detached. Nothing is lost by skipping: Redis still holds each
unacknowledged message in its ``unacked`` hash and hands it out again after ``visibility_timeout``; a Redis that
restarted empty has lost it anyway, and the outbox sweep re-sends every outbox row still pending
(``pinggu_center.tasks.sweep_outbox``). Selected with ``CELERY_BROKER_TRANSPORT`` when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client=None):
        if client is None and getattr(self.channel.connection, "client", None) is None:
            logger.warning(
                "Broker connection already closed: %d unacknowledged message(s) left to Redis' visibility "
                "timeout and the outbox sweep.",
                len(self._delivered),
            )
            self._delivered.clear()
            return None
        return super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
