"""Points the STAC validators at the schemas beside this folder.

Python imports `sitecustomize` at start-up from PYTHONPATH; the STAC tests set
PYTHONPATH to this folder and OPSBOARD_STAC_SCHEMAS to its parent. Without that
variable this module does nothing.
"""
import os

SCHEMAS = os.environ.get("OPSBOARD_STAC_SCHEMAS")
KNOWN = ("https://schemas.stacspec.org/", "https://geojson.org/schema/",
         "https://stac-extensions.github.io/")


def local_copy(url):
    """The path of the copy of `url` kept here, or `url` itself."""
    if not isinstance(url, str) or not url.startswith(KNOWN):
        return url
    host_and_path = url.split("://", 1)[1].split("#", 1)[0]
    path = os.path.join(SCHEMAS, *host_and_path.split("/"))
    return path if os.path.isfile(path) else url


def install():
    try:  # stac-validator (and stac-api-validator, which calls it)
        import stac_validator.utilities as utilities
        utilities._map_extension_url_to_local = local_copy
    except ImportError:
        pass
    try:  # pystac reads schemas through its default StacIO
        import pystac
        from pystac.stac_io import DefaultStacIO

        class LocalSchemas(DefaultStacIO):
            def read_text_from_href(self, href, *args, **kwargs):
                return super().read_text_from_href(local_copy(href), *args, **kwargs)

        pystac.StacIO.set_default(LocalSchemas)
    except ImportError:
        pass


if SCHEMAS:
    install()
