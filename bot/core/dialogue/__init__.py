"""The dialogue engine: classification, slots, the flow table and turns."""
