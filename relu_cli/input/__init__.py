"""Input: deciding what an input is from its first bytes (:mod:`.sniff`), and the readers that turn it into
chunks (:mod:`relu_cli.chunks`): delimited text (:mod:`.text`), JSON (:mod:`.json`) and NumPy arrays
(:mod:`.npy`)."""
