"""The WMS as OWSLib uses it, for server/tests/suite/wms_clients.rs.

Usage: wms_client.py URL TOKEN LAYER OUT_DIR (TOKEN - for none)

Reads the capabilities (HTTP Basic, the personal token as the password, as
QGIS and msui send it), writes what OWSLib made of LAYER (its dimensions,
box, CRS) as report.json, and the map of a box as OWSLib asks for it
(EPSG:4326, a chosen time, run and elevation) as map.png; then asks for a
layer that does not exist and records the exception OWSLib raises.
"""

import json
import sys
from pathlib import Path

from owslib.util import Authentication, ServiceException
from owslib.wms import WebMapService

url, token, name, out = sys.argv[1:5]
out = Path(out)
auth = Authentication(username="owslib", password=token) if token != "-" else None
wms = WebMapService(url, version="1.3.0", auth=auth)
layer = wms[name]
report = {
    "version": wms.identification.version,
    "layers": sorted(wms.contents),
    "title": layer.title,
    "dimensions": layer.dimensions,
    "bbox_wgs84": layer.boundingBoxWGS84,
    "crs": sorted(layer.crsOptions),
    "styles": layer.styles,
    "operations": sorted(op.name for op in wms.operations),
}
image = wms.getmap(
    layers=[name],
    styles=["default"],
    srs="EPSG:4326",
    bbox=(-20, 30, 40, 60),
    size=(60, 30),
    format="image/png",
    time="2011-01-15T12:00:00Z",
    elevation="850",
    dimensions={"reference_time": "2011-01-10T12:00:00Z"},
)
(out / "map.png").write_bytes(image.read())
try:
    wms.getmap(layers=["no.such.layer"], srs="CRS:84", bbox=(0, 0, 1, 1), size=(1, 1), format="image/png")
    report["exception"] = None
except ServiceException as e:
    report["exception"] = str(e)
(out / "report.json").write_text(json.dumps(report, indent=1, default=str))
