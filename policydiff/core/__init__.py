"""The pure core: clause model, tokens, diff, alignment, anchors. No I/O, no XML."""
