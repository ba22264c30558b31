"""ketensim: a discrete-event simulator of the Dutch criminal justice chain (strafrechtketen).

The package is laid out like the chain: `police`, `prosecution` (OM and the ZSM desk), `advice` (3RO, RvdK, NIFP
reports), `courts`, `appeal` and `execution` (CJIB, reclassering, DJI) are the stages; `model` wires them into one
SimPy environment per replication. `scenario` reads and validates scenario files, `streams` hands out named random
streams, `records` holds the per-case table, `runner` runs replications and writes results, `kpis` summarises them,
`results` reads results folders back, `catalogue` and `labels` name the key figures and the chain's parts, `formatting`
writes numbers, `figures` draws them, `report` writes the workshop report and `cli` is the command line.
"""

__version__ = "0.1.0"
