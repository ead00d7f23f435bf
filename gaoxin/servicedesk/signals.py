"""What the service desk tells the apps built on it, so that it need not know them."""

from django.dispatch import Signal

# Sent inside the writing transaction whenever a statistics report's values or status change.
# Keyword arguments: `form` (the StatisticsForm) and `periods` (the first day of every period
# whose figures changed). The enterprise support app keeps its stored indicators by it.
statistics_changed = Signal()
