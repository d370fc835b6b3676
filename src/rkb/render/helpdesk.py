"""Ready responses for helpdesks: `rkb export helpdesk --format zendesk|csv|json`.

One response per public FAQ answer (stand-alone Q- entries) and per fault with a
workaround or a fix: its title (id and title), the reply text of "copy answer" (from the
record's view, ending with the canonical link), tags (module, kind, error codes) and the
link. Only views are read, so `internal:` never gets in.

- `zendesk`: one Zendesk Macros API body per line (`{"macro": {"title": …, "actions":
  [{"field": "comment_value", "value": …}]}}`), titled `Справка::<module>::<id · title>`
  so that Zendesk files them in folders, and a shell script that posts them with curl.
- `csv`: UTF-8 with a BOM (Excel opens it as UTF-8), a header row, columns title, body,
  tags, url. A cell that would start a spreadsheet formula (`=`, `+`, `-`, `@`) starts
  with an apostrophe, which spreadsheets hide.
- `json`: the same rows as a JSON list.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass

from ..records.loader import KnowledgeBase
from .labels import labels_for
from .view import RecordView, build_views

FORMATS = ("zendesk", "csv", "json")
COLUMNS = ("title", "body", "tags", "url")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Response:
    """One ready response."""

    id: str
    kind: str  # faq or fault
    module: str  # the module's title
    title: str
    body: str
    tags: tuple[str, ...]
    url: str


def responses(kb: KnowledgeBase, views: Mapping[str, RecordView] | None = None) -> list[Response]:
    """FAQ answers first, then faults with a workaround or a fix, each by id."""
    views = views if views is not None else build_views(kb)
    modules = {module.id: module.title for module in kb.modules}
    rows: list[Response] = []
    for entry in kb.faq:
        view = views[entry.id]
        assert view.reply is not None  # every FAQ entry has an answer
        tags: tuple[str, ...] = (entry.module, "faq")
        rows.append(_row(view, modules[entry.module], tags))
    for fault in kb.faults:
        if fault.workaround is None and fault.fix is None:
            continue
        view = views[fault.id]
        tags = (fault.module, "fault", *fault.error_codes)
        rows.append(_row(view, modules[fault.module], tags))
    return rows


def _row(view: RecordView, module: str, tags: tuple[str, ...]) -> Response:
    assert view.reply is not None
    title = f"{view.id} · {view.title}"
    return Response(view.id, view.kind, module, title, view.reply, tags, view.url)


def _json(data: object) -> str:
    """JSON with `<`, `>` and `&` as \\u escapes (the same text for every reader)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def zendesk_title(kb: KnowledgeBase, row: Response) -> str:
    folder = labels_for(kb.product.language)["helpdesk_folder"]
    parts = (folder, row.module, row.title)
    return "::".join(" ".join(part.replace("::", ":").split()) for part in parts)


def to_zendesk(kb: KnowledgeBase, rows: list[Response]) -> str:
    """One Macros API request body per line."""
    lines = [
        _json(
            {
                "macro": {
                    "title": zendesk_title(kb, row),
                    "actions": [{"field": "comment_value", "value": row.body}],
                }
            }
        )
        for row in rows
    ]
    return "".join(line + "\n" for line in lines)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(rows: list[Response]) -> str:
    """The CSV text (the caller writes it as UTF-8 with a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.title), _cell(row.body), ", ".join(row.tags), row.url])
    return out.getvalue()


def to_json(rows: list[Response]) -> str:
    data = [
        {"title": row.title, "body": row.body, "tags": list(row.tags), "url": row.url}
        for row in rows
    ]
    return _json(data) + "\n"


LOADER = """\
#!/bin/sh
# Posts the Zendesk macros in {macros} (one Macros API body per line, written by
# `rkb export helpdesk --format zendesk`) with curl: POST /api/v2/macros.json.
#
#   ZENDESK_SUBDOMAIN=yourcompany ZENDESK_EMAIL=agent@example.ru \\
#   ZENDESK_API_TOKEN=... sh {loader}
#
# ZENDESK_SUBDOMAIN: the name before .zendesk.com. ZENDESK_API_TOKEN: Admin Center >
# Apps and integrations > Zendesk API > API token. ZENDESK_URL overrides the address
# (e.g. a proxy in a closed network). Running it twice creates the macros twice.
set -eu
: "${{ZENDESK_API_TOKEN:?set ZENDESK_API_TOKEN to a Zendesk API token}}"
: "${{ZENDESK_EMAIL:?set ZENDESK_EMAIL to the e-mail of the agent that owns the token}}"
if [ -z "${{ZENDESK_URL:-}}" ]; then
  : "${{ZENDESK_SUBDOMAIN:?set ZENDESK_SUBDOMAIN (yourcompany for yourcompany.zendesk.com)}}"
  ZENDESK_URL="https://$ZENDESK_SUBDOMAIN.zendesk.com"
fi
macros="${{1:-$(dirname "$0")/{macros}}}"
posted=0
while IFS= read -r line || [ -n "$line" ]; do
  [ -n "$line" ] || continue
  printf '%s' "$line" | curl --fail --silent --show-error --output /dev/null \\
    --user "$ZENDESK_EMAIL/token:$ZENDESK_API_TOKEN" \\
    --header "Content-Type: application/json" \\
    --data-binary @- "$ZENDESK_URL/api/v2/macros.json"
  posted=$((posted + 1))
done < "$macros"
echo "posted $posted macros to $ZENDESK_URL"
"""


def zendesk_loader(macros_name: str, loader_name: str) -> str:
    return LOADER.format(macros=macros_name, loader=loader_name)
