"""The investigation page of one case (流调): its window, timeline, proposals, contacts and requests, as
the page, the API (with the proposals' hot path), the CLI and the exports show them."""
