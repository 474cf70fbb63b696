"""The moment tests run at: a working Tuesday in the middle of a week and of a month, away from every holiday.

Every test except the browser and worker ones (which share the clock with other processes) starts here
(tests/conftest.py), so a test never meets a day, week, month or year turning over, a holiday eve, or a 30-second
TOTP step turning between two calls; the clock still ticks, so timeline rows keep distinct times.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

FROZEN_NOW = datetime(2026, 11, 24, 10, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
