"""Super Chart's benchmark suite: every hot path against its floor, measured in the same run.

Run it as ``python -m bench`` (``make bench``); it prints one markdown table. Inputs are generated
deterministically into ``bench/.data/`` (git-ignored) and reused between runs.
"""
