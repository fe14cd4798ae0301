"""Record linkage of victim lists into persons: Persian-aware keys, a Splink model (DuckDB or Spark), clustering
with stable person ids, a review queue, person views and capture histories."""

from tollbook.link.api import Clustering, LinkRun, link_database, link_frame
from tollbook.link.files import link_files
from tollbook.link.histories import capture_histories
from tollbook.link.person_view import PersonView, person_view
from tollbook.link.review import decide, review_queue

__all__ = [
    "Clustering",
    "LinkRun",
    "PersonView",
    "capture_histories",
    "decide",
    "link_database",
    "link_files",
    "link_frame",
    "person_view",
    "review_queue",
]
