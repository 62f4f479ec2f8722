"""The only package that imports lxml or python-docx: reading and writing .docx."""
