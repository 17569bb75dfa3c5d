"""`@snapshot PATH` contract: `scrapy check clusters` runs offline on the bundled snapshot."""

from scrapy.contracts import Contract

_server = None
_base_url: str | None = None


def _snapshot_base_url() -> str:
    """Start the snapshot server once, kept for the whole `scrapy check` process."""
    global _server, _base_url
    if _base_url is None:
        from pipeline.crawl.snapshot import serve

        _server = serve()
        _base_url = _server.__enter__()
    return _base_url


class SnapshotContract(Contract):
    """Sets the sample request to PATH on the bundled snapshot, served on 127.0.0.1."""

    name = "snapshot"

    def adjust_request_args(self, args):
        args["url"] = f"{_snapshot_base_url()}/{self.args[0].lstrip('/')}"
        return args
