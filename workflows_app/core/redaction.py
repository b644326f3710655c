"""A logging filter that removes API keys from every log line, whoever wrote it.

`civis.errors.redact` removes a known key from the errors the client builds; this filter is the
net under everything else (a library's exception text, a traceback): whatever follows `Bearer`
or `Authorization` in a record's message, arguments or traceback is replaced, in the plain and
the escaped forms `requests` and `repr` print."""

import logging
import re

# `Bearer <key>` as sent, as repr/requests print it ('Bearer abc\\ndef'), and in headers dicts
# ({'Authorization': 'Bearer abc'}). A key has no spaces or quotes; an escaped line break is
# two characters `\` `n` and stays inside the match, so the key's second line goes too.
_BEARER = re.compile(r"(?i)(bearer\s+)(?:\\[nrt]|[^\s'\",)}\]])+")
_BASIC = re.compile(r"(?i)(basic\s+)[A-Za-z0-9+/=]{8,}")


def scrub(text: str) -> str:
    text = _BEARER.sub(r"\1[api key]", text)
    return _BASIC.sub(r"\1[api key]", text)


class RedactKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
