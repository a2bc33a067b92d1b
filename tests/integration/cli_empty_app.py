"""A module that registers no workflow and no activity: `temporal-runtime worker` refuses to serve it."""

NOTHING_HERE = True
