"""policydiff's tests; a package so helpers import as ``tests.docxgen``, ``tests.libreoffice``."""
