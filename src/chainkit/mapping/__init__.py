"""挂链 engine: map firm records to chain nodes with scores and evidence.

Stages (each switchable in `MapperConfig`): a keyword automaton (`keywords`), GB/T
4754 industry-code rules (`codes`), a learned linear model (`model`) and a calibrated
combiner (`combine`). `Mapper` ties them together; `evaluate` scores predictions.
Pure Python: never imports Django.
"""

from .combine import NodeScore, RecordPrediction
from .mapper import Mapper, MapperConfig, MappingCancelled
from .records import Example, Record, parse_examples, parse_records, read_examples, read_records
from .taxonomy import Node, Taxonomy

__all__ = ["Mapper", "MapperConfig", "MappingCancelled", "NodeScore", "RecordPrediction",
           "Example", "Record", "Node", "Taxonomy", "parse_examples", "parse_records",
           "read_examples", "read_records"]
