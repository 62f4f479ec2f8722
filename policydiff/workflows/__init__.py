"""What the commands do: read drafts and sources, call the core, write files.

The CLI is a thin layer over these modules; tests and benchmarks call them directly.
``drafts`` reads a draft, ``compare`` redlines and diffs two, ``merge`` builds the consolidated
copy and the committee's review, ``pages`` the committee package's cover and disposition table,
``sources`` reads a round's reviewed copies and forms, ``archive`` keeps the version history.
"""
