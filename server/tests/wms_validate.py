"""Validates XML documents against the OGC WMS 1.3.0 schemas the repository
carries (server/tests/ogc-schemas), offline, for server/tests/suite/wms_clients.rs.

Usage: validate.py SCHEMA.xsd DOCUMENT.xml…  — prints each document's
errors; exits 1 if any.
"""

import sys

import xmlschema

schema = xmlschema.XMLSchema(sys.argv[1], allow="local")
failed = False
for path in sys.argv[2:]:
    errors = list(schema.iter_errors(path))
    for error in errors[:10]:
        print(f"{path}: {error.reason} at {error.path}")
    failed = failed or bool(errors)
sys.exit(1 if failed else 0)
