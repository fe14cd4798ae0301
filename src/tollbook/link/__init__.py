"""Record linkage of victim lists into persons: Persian-aware keys, a Splink model (DuckDB or Spark), blocking
planned by counting, a prior settled on the data, clustering that keeps namesakes apart, stable person ids, a
review queue with the model's match weights, hand merges and splits, person views and capture histories."""

from tollbook.link.api import Clustering, LinkRun, link_database, link_frame
from tollbook.link.files import link_files
from tollbook.link.histories import capture_histories
from tollbook.link.person_view import PersonView, person_view
from tollbook.link.persons import find_persons, merge_persons, split_person
from tollbook.link.review import decide, decision_rows, review_queue, scored_pairs, undo_decision
from tollbook.link.waterfall import link_waterfall

__all__ = [
    "Clustering",
    "LinkRun",
    "PersonView",
    "capture_histories",
    "decide",
    "decision_rows",
    "find_persons",
    "link_database",
    "link_files",
    "link_frame",
    "link_waterfall",
    "merge_persons",
    "person_view",
    "review_queue",
    "scored_pairs",
    "split_person",
    "undo_decision",
]
